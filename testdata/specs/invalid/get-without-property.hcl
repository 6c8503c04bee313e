dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "get" {
  step "open" {}
  step "get" {
    prim = "middle"
  }
}
