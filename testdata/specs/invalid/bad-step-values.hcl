dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "scan" {
  step "traverse" {
    property = "cost"
    order    = "sideways"
    threads  = 0
    probes   = -1
  }
}
