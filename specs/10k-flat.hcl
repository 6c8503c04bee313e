# The original benchmark suite: 10,000 flat prims of the building20 schema
# with a 1,000-character payload, OpenUSD crate (usdc) against Parquet with
# three codecs. File sizes come with every run.
#
#   runner apply specs/10k-flat.hcl
#   runner apply -filter 'format=parquet-*' specs/10k-flat.hcl

variable "pin" {
  type        = bool
  default     = false
  description = "run each reader process on a CPU of its own (settings.pin; the noise experiment's PIN=1)"
}

variable "repeat" {
  type        = number
  default     = 10
  description = "runs of each cell (the noise experiment's REPEAT)"
}

locals {
  # The properties the multi-property get and traversals read.
  multi = ["cost", "carbon_A1", "weight", "temperature", "is_active", "supplier_id"]
}

settings {
  warmup  = 1
  repeat  = var.repeat
  isolate = "process"
  timeout = "5m"
  pin     = var.pin
}

dataset "flat" {
  prims     = 10000
  hierarchy = "flat"
  seed      = 42
  payload   = true
}

format "usdc" {}

format "parquet" {
  compression = ["none", "snappy", "zstd"]
}

scenario "initial-load" {
  description = "Open the file"
  step "open" {}
}

scenario "single-get" {
  description = "payload of the middle prim: the first read (cold), then 50 warm reads"
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

scenario "single-traversal" {
  description = "payload of every prim, in layer order"
  step "open" {}
  step "traverse" {
    property = "payload"
    probes   = 10
  }
}

scenario "multi-get" {
  description = "Six properties of the middle prim"
  step "open" {}
  step "get" {
    prim       = "middle"
    properties = local.multi
  }
}

scenario "multi-traversal" {
  description = "Six properties of every prim, in layer order"
  step "open" {}
  step "traverse" {
    properties = local.multi
    order      = "layer"
  }
}

scenario "random-traversal" {
  description = "Six properties of every prim, in a seeded random order"
  step "open" {}
  step "traverse" {
    properties = local.multi
    order      = "random"
    seed       = 1
  }
}

report {
  title       = "10K flat prims: USDC vs Parquet"
  description = "The original suite: initial load, cold and warm gets, single- and multi-property traversals in layer and random order."
  baseline    = "usdc"
}
