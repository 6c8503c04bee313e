dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}

scenario "open" {
  step "open" {}
  step "get" {
    property = "cost"
  }
}
