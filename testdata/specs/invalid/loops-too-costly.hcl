# A billion iterations from three nested loops: the load stops when its
# budget of work is spent, instead of running for minutes.
locals {
  ids  = [for i in range(1000) : i]
  grid = [for a in local.ids : [for b in local.ids : [for c in local.ids : a + b + c]]]
}

dataset "flat" {
  prims = length(local.grid)
}

format "parquet" {}

scenario "s" {
  step "open" {}
}
