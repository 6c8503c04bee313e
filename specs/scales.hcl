# How load time, reads and memory grow from 1K to 1M prims. The scales are a
# variable, so a quick look at the small ones is
#
#   runner apply -var 'scales=[1000, 10000]' specs/scales.hcl
#
# The datasets are named flat-prims1000, flat-prims10000, ...

variable "scales" {
  type        = list(number)
  default     = [1000, 10000, 100000, 1000000]
  description = "prim counts to sweep"
}

settings {
  warmup  = 1
  repeat  = 5
  timeout = "20m"
}

dataset "flat" {
  prims = var.scales
}

format "usdc" {}

format "parquet" {
  compression = "zstd"
}

scenario "initial-load" {
  step "open" {}
}

scenario "single-get" {
  step "open" {}
  step "get" {
    name     = "cold"
    prim     = "middle"
    property = "cost"
  }
  step "get" {
    name     = "warm"
    prim     = "middle"
    property = "cost"
    times    = 50
  }
}

scenario "single-traversal" {
  step "open" {}
  step "traverse" {
    property = "cost"
    probes   = 10
  }
}

report {
  title    = "Scaling from 1K to 1M prims"
  baseline = "usdc"
}
