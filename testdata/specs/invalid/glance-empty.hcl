dataset "flat" {
  prims = 1000
}

format "usdc" {}

scenario "initial-load" {
  step "open" {}
}

scenario "single-get" {
  step "open" {}
  step "get" {
    name     = "cold"
    property = "cost"
  }
  step "get" {
    property = "cost"
    times    = 10
  }
}

report {
  baseline = "usdc"
  glance {}
}
