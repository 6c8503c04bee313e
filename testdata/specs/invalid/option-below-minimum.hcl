dataset "flat" {
  prims = 1000
}

format "parquet" {
  row_group_size = [1000, 0]
}

scenario "open" {
  step "open" {}
}
