variable "prims" {
  type        = number
  description = "prims per dataset"
}

dataset "flat" {
  prims = var.prims
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
