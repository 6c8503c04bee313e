dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "scan" {
  step "open" {
    times = 3
  }
  step "traverse" {
    property = "cost"
    prim     = "first"
  }
}
