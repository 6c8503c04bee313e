locals {
  a = local.b + 1
  b = local.a * 2
}

dataset "flat" {
  prims = local.a
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
