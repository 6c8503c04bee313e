dataset "mine" {
  source = "../../../examples/data/scene.usdc"
  prims  = 100
  seed   = 3

  property "extra" {
    type      = "double"
    generator = "uniform(0, 1)"
  }
}

format "usdc" {}

scenario "open" {
  step "open" {}
}
