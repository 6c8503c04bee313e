dataset "flat" {
  prims = 1000
}

format "parquet" {
  row_group_size = "big"
  dictionary     = "yes"
}

scenario "open" {
  step "open" {}
}
