dataset "building" {
  prims = 1000
}

dataset "sensors" {
  prims  = 1000
  schema = "none"

  property "reading" {
    type      = "double"
    generator = "normal(20, 5)"
  }
}

format "parquet" {}

scenario "get" {
  step "open" {}
  step "get" {
    properties = ["cots", "reading", "weight"]
  }
}
