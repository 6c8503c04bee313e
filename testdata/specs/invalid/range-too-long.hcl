dataset "flat" {
  prims = range(1, 100000)
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
