# The question that started the project, answered inside OpenUSD: a layer
# whose properties live in Parquet, read lazily by an OpenUSD file-format
# plugin (drivers/usd-parquet), against native USDC, both read by OpenUSD's
# C++ libraries (the openusd-cpp driver) — and, for reference, by runner's
# Go readers. 10,000 flat prims, the original suite's scenarios.
#
#   make drivers
#   runner apply specs/openusd-parquet.hcl
#   runner apply -var repeat=3 specs/openusd-parquet.hcl    # quicker

variable "repeat" {
  type    = number
  default = 10
}

locals {
  multi   = ["cost", "carbon_A1", "weight", "temperature", "is_active", "supplier_id"]
  readers = ["openusd-cpp", "go"]
}

settings {
  warmup  = 1
  repeat  = var.repeat
  timeout = "10m"
}

dataset "flat" {
  prims     = 10000
  hierarchy = "flat"
  seed      = 42
  payload   = true
}

format "usdc" {
  reader = local.readers
}

format "parquet" {
  compression = ["none", "snappy", "zstd"]
  index       = ["eager", "lazy"]
  reader      = local.readers
}

scenario "initial-load" {
  description = "The original's load: the base layer (hierarchy only) on a stage, the property file as its sublayer, composed"
  step "open" {
    compose = "sublayer"
  }
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
  description = "payload of every prim, in layer order, with memory along the way"
  step "open" {}
  step "traverse" {
    property = "payload"
    probes   = 10
  }
}

scenario "multi-traversal" {
  description = "Six properties of every prim, in layer order"
  step "open" {}
  step "traverse" {
    properties = local.multi
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
  title       = "Parquet inside OpenUSD: the usd-parquet plugin against USDC, 10K flat prims"
  description = "Every file read by OpenUSD's C++ libraries (openusd-cpp), Parquet through the usd-parquet file-format plugin, and by runner's Go readers for reference."
  baseline    = "usdc-openusd-cpp"
}
