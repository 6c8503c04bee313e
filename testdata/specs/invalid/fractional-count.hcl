dataset "flat" {
  prims = 1000.5
}

format "parquet" {}

scenario "warm" {
  step "get" {
    property = "cost"
    times    = 2.5
  }
}
