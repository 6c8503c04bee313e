# The warm-get comparison of specs/openusd-parquet.hcl in runner's matrix:
# its single-get scenario (payload) and the same on `cost` (a double), read
# by OpenUSD C++ only (openusd-cpp: usdc natively, Parquet through this
# plugin). Each scenario times the warm get twice: as the suite does (50
# reads, batched when they take under 10 µs in all) and as one timing of
# 10,000 reads. The README's runner table.
#
#   make drivers && make build
#   bin/runner apply -var repeat=9 drivers/usd-parquet/get.hcl
variable "repeat" {
  type    = number
  default = 10
}

settings {
  warmup  = 1
  repeat  = var.repeat
  timeout = "10m"
  order   = "interleaved"
}

dataset "flat" {
  prims     = 10000
  hierarchy = "flat"
  seed      = 42
  payload   = true
}

format "usdc" {
  reader = ["openusd-cpp"]
}

format "parquet" {
  compression = ["none", "snappy", "zstd"]
  index       = ["eager", "lazy"]
  reader      = ["openusd-cpp"]
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
  step "get" {
    name     = "warm-10k"
    prim     = "middle"
    property = "payload"
    times    = 10000
  }
}

scenario "single-get-cost" {
  description = "cost (a double) of the middle prim: cold, then 50 warm reads"
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
  step "get" {
    name     = "warm-10k"
    prim     = "middle"
    property = "cost"
    times    = 10000
  }
}

report {
  title    = "usd-parquet plugin against USDC, single get, 10K flat prims"
  baseline = "usdc"
}
