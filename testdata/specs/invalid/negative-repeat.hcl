settings {
  warmup = -1
  repeat = 0
}

dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
