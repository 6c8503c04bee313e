dataset "mine" {
  source = "layers/no-such-layer.usdc"
}

format "usdc" {}

scenario "open" {
  step "open" {}
}
