locals {
  name = format("%99999999s", "x")
}

dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
