dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "reopen" {
  step "get" {
    property = "cost"
  }
  step "open" {}
}
