dataset "custom" {
  prims  = [100, 1000]
  schema = "none"

  property "heading" {
    type      = "double"
    generator = "uniform(0)"
  }

  property "kind" {
    type      = "token"
    generator = "gaussian(1, 2)"
  }
}

dataset "tree" {
  prims     = 1000
  hierarchy = "balanced"
  depth     = 2
  fanout    = 3
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
