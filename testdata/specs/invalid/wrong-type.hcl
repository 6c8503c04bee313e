dataset "flat" {
  prims   = "many"
  payload = "yes please"
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
