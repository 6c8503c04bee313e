dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "warm" {
  step "get" {
    property = "cost"
  }
}

scenario "reopen" {
  step "open" {}
  step "get" {
    property = "cost"
  }
  step "open" {}
  step "get" {
    property = "cost"
  }
}
