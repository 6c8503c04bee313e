dataset "custom" {
  prims = 100

  property "samples" {
    type      = "double[]"
    generator = "normal(0, 1)"
  }

  property "flag" {
    type      = "bool"
    length    = 4
    generator = "constant(true)"
  }
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
