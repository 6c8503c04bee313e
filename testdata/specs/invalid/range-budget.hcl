locals {
  grid = [for i in range(1000) : range(1000)]
}

dataset "flat" {
  prims = length(local.grid)
}

format "usdc" {}

scenario "s" {
  step "open" {}
}
