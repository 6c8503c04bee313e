dataset "flat" {
  prims = 1000
}

format "parquet" {}

format "parquet" {
  compression = "zstd"
}

scenario "open" {
  step "open" {}
}
