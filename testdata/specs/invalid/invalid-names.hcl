dataset "my data" {
  prims = 1000
}

format "parquet/zstd" {
  type = "parquet"
}

scenario "" {
  step "open" {}
}
