dataset "flat" {
  prims     = 1000
  hierarchy = ["flat", "tree"]
  schema    = "building21"
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
