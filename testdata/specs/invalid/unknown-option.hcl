dataset "flat" {
  prims = 1000
}

format "parquet" {
  compresion = "zstd"
}

scenario "open" {
  step "open" {}
}
