dataset "flat" {
  prims = 1000
}

format "parquet" {
  compression = ["zstd", "rar"]
}

scenario "open" {
  step "open" {}
}
