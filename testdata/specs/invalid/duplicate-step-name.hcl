dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "warm" {
  step "get" {
    name     = "read"
    property = "cost"
  }
  step "get" {
    name     = "read"
    property = "cost"
    times    = 50
  }
}
