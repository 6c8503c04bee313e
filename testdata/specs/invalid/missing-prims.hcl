dataset "flat" {
  hierarchy = "deep"
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
