dataset "flat" {
  prims = []
}

format "parquet" {
  compression = []
}

scenario "open" {
  step "open" {}
}
