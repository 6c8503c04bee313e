dataset "flat" {
  prims  = 1000
  levels = 3
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
