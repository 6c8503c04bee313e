dataset "flat" {
  prims = product([10, 100])
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
