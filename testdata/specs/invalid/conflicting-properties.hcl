dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "get" {
  step "get" {
    property   = "cost"
    properties = ["cost", "weight"]
  }
}
