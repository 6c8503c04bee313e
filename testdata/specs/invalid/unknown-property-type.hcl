dataset "custom" {
  prims = 100

  property "heading" {
    type      = "vector3"
    generator = "uniform(0, 360)"
  }
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
