locals {
  a = [for i in range(1000) : [for j in range(1000) : [for k in range(1000) : k]]]
}
dataset "flat" {
  prims = length(local.a)
}
format "usdc" {}
scenario "s" {
  step "open" {}
}
