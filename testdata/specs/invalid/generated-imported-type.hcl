dataset "custom" {
  prims  = 10
  schema = "none"

  property "orient" {
    type      = "quatf"
    generator = "constant(1)"
  }
}

format "usdc" {}

scenario "open" {
  step "open" {}
}
