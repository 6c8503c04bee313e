dataset "flat" {
  prims = 1000
}

dataset "flat" {
  prims = 10000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
