# 10,000 prims in the original deep hierarchy:
# /World/Zone_<z>/Level_<l>/Room_<r>/Component_<c>, ten levels of ten rooms
# per zone. Prim lookups walk longer paths and formats that index by path
# feel it.
#
#   runner apply specs/10k-deep.hcl

locals {
  multi = ["cost", "carbon_A1", "weight", "temperature", "is_active", "supplier_id"]
}

settings {
  repeat  = 10
  timeout = "5m"
}

dataset "deep" {
  prims     = 10000
  hierarchy = "deep"
}

format "usdc" {}

format "parquet" {
  compression = ["snappy", "zstd"]
}

scenario "initial-load" {
  step "open" {}
}

scenario "single-get" {
  step "open" {}
  step "get" {
    name     = "cold"
    prim     = "last"
    property = "payload"
  }
  step "get" {
    name     = "warm"
    prim     = "last"
    property = "payload"
    times    = 50
  }
}

scenario "multi-traversal" {
  step "open" {}
  step "traverse" {
    properties = local.multi
  }
}

scenario "random-traversal" {
  step "open" {}
  step "traverse" {
    properties = local.multi
    order      = "random"
    seed       = 1
  }
}

report {
  title    = "10K prims, deep hierarchy"
  baseline = "usdc"
}
