dataset "flat" {
  prims = 1000
}

format "parquet" {
  compression = ["none", "zstd"]
}

scenario "open" {
  step "open" {}
}

report {
  baseline = "parquet"
}
