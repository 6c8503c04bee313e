dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}

report {
  outputs = ["markdown", "pdf"]
}
