# Parquet row-group size against memory and speed. A traversal loads one row
# group after another into the block cache; the probes record RSS twenty
# times along the way, which draws the memory "staircase".
#
#   runner apply specs/rowgroups.hcl

settings {
  repeat = 5
}

dataset "flat" {
  prims = 10000
}

format "parquet" {
  compression    = "zstd"
  row_group_size = [100, 500, 1000, 10000]
}

scenario "initial-load" {
  step "open" {}
}

scenario "single-get" {
  step "open" {}
  step "get" {
    name     = "cold"
    prim     = "middle"
    property = "payload"
  }
  step "get" {
    name     = "warm"
    prim     = "middle"
    property = "payload"
    times    = 50
  }
}

scenario "staircase" {
  description = "payload of every prim with 20 time and RSS probes"
  step "open" {}
  step "traverse" {
    property = "payload"
    probes   = 20
  }
}

report {
  title    = "Parquet row-group sizes"
  baseline = "parquet-rg1000"
}
