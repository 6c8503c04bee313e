dataset "flat" {
  prims = 1000
}

format "parquet" {
  compression = ["none", "zstd"]
}

format "parquet-zstd" {
  type        = "parquet"
  compression = "zstd"
}

scenario "open" {
  step "open" {}
}
