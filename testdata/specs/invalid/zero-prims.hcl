dataset "flat" {
  prims = 0
}

dataset "deep" {
  prims     = -5
  hierarchy = "deep"
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
