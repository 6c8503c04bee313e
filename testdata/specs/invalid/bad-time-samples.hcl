dataset "anim" {
  prims  = 100
  schema = "none"
  property "a" {
    type      = "double"
    generator = "uniform(0, 1)"
    samples   = 0
  }
  property "b" {
    type      = "double"
    generator = "uniform(0, 1)"
    samples   = 3
    time_step = 0
  }
  property "c" {
    type       = "float"
    generator  = "uniform(0, 1)"
    time_start = 5
  }
  property "d" {
    type      = "float"
    generator = "uniform(0, 1)"
    samples   = 4
    time_step = "fast"
  }
}

format "usdc" {}

scenario "times" {
  step "open" {}
  step "traverse" {
    time = "soon"
  }
  step "get" {
    property = "a"
    time     = true
  }
  step "traverse" {
    name = "inf"
    time = 1e400
  }
}
