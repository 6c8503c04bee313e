variable "scale" {
  type = number
}

settings {
  repeat  = 0
  timeout = "soon"
}

dataset "flat" {
  prims = var.scale
}

format "parquet" {
  compression    = "rar"
  row_group_size = -1
}

scenario "warm" {
  step "get" {
    times = 0
  }
}

report {
  baseline = "usdc"
}
