variable "prims" {
  type    = number
  default = "ten thousand"
}

variable "prims" {
  default = 1000
}

dataset "flat" {
  prims = var.prims
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
