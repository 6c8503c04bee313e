dataset "custom" {
  prims = 100

  property "cost" {
    type = "double"
  }

  property "cost" {
    type      = "double"
    generator = "uniform(0, 1)"
  }
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
