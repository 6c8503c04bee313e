dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "read" {
  step "open" {}
  step "read" {
    property = "cost"
  }
}
