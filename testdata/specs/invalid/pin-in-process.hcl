settings {
  isolate = "none"
  pin     = true
}

dataset "flat" {
  prims = 100
}

format "usdc" {}

scenario "open" {
  step "open" {}
}
