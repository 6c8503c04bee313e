dataset "flat" {
  prims = var.prims
  seed  = local.seed
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
