# One million flat building20 prims with payload in every shipped format:
# what opening and a first read cost at scale. Building its data is also the
# data-generation benchmark the README quotes:
#
#   runner gen specs/1m-all-formats.hcl      # about 35 s on 2 cores, 4.5 GB
#   runner apply specs/1m-all-formats.hcl

settings {
  warmup  = 0
  repeat  = 3
  timeout = "30m"
}

dataset "flat" {
  prims = 1000000
}

format "usdc" {}

format "usda" {}

format "parquet" {
  index = ["eager", "lazy"]
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

report {
  title    = "1M flat prims in every format"
  baseline = "usdc"
}
