dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}

benchmark "x" {
  repeat = 3
}
