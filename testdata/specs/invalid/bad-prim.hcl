dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "get" {
  step "get" {
    prim     = "World/Prim_1"
    property = "cost"
  }
  step "get" {
    prim     = "/World//Prim_1"
    property = "cost"
  }
}
