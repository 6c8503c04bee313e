# A quick check that every format and every step works end to end: 1,000
# flat prims, each op once, three recorded runs. It finishes in seconds.
#
#   runner apply specs/1k-smoke.hcl

settings {
  warmup  = 1
  repeat  = 3
  timeout = "1m"
}

dataset "flat" {
  prims = 1000
}

format "usdc" {}

format "usda" {}

format "parquet" {
  compression = ["none", "zstd"]
}

scenario "initial-load" {
  description = "Open the file: what a format needs before it can answer"
  step "open" {}
}

scenario "single-get" {
  description = "One property of the middle prim, cold then 10 warm reads"
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
    times    = 10
  }
}

scenario "multi-get" {
  step "open" {}
  step "get" {
    prim       = "random"
    seed       = 7
    properties = ["cost", "is_active", "supplier_id", "lifespan"]
  }
}

scenario "traversal" {
  description = "Every prim, layer order, with memory probes along the way"
  step "open" {}
  step "traverse" {
    property = "payload"
    probes   = 4
  }
}

scenario "random-traversal" {
  step "open" {}
  step "traverse" {
    properties = ["cost", "weight"]
    order      = "random"
    seed       = 1
    limit      = 500
    threads    = 2
  }
}

scenario "reverse-traversal" {
  step "open" {}
  step "traverse" {
    property = "temperature"
    order    = "reverse"
  }
}

scenario "column-scan" {
  description = "Two properties of every prim, column-wise, then the same as a traversal"
  step "open" {}
  step "scan" {
    properties = ["cost", "weight"]
  }
  step "traverse" {
    properties = ["cost", "weight"]
  }
}

report {
  title    = "Smoke test, 1K flat prims"
  baseline = "usdc"
}
