dataset "flat" {
  prims = [1000, 1000]
}

format "parquet" {
  compression = ["zstd", "snappy", "zstd"]
}

scenario "open" {
  step "open" {}
}
