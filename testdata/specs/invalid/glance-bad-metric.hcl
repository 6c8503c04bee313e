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
  glance {
    row "cold get" {
      scenario = "single-get"
      step     = "cold"
      metric   = "peak-rss"
    }
  }
}
