# The drivers test of make test: every shipped reader on a small scene, in
# every scenario kind, digests compared across all of them.

locals {
  readers = ["go", "openusd-py", "openusd-usd", "openusd-cpp"]
  multi   = ["cost", "lifespan", "is_active", "supplier_id", "payload"]
}

settings {
  warmup  = 0
  repeat  = 2
  timeout = "5m"
}

driver "openusd-usd" {
  uses    = "openusd-py"
  options = { api = "usd" }
}

dataset "small" {
  prims = 300
}

format "usdc" {
  reader = local.readers
}

format "usda" {
  reader = local.readers
}

scenario "initial-load" {
  step "open" {
    compose = "sublayer"
  }
  step "get" {
    prim     = "middle"
    property = "cost"
  }
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

scenario "traversals" {
  step "open" {}
  step "traverse" {
    name       = "layer"
    properties = local.multi
    probes     = 3
  }
  step "traverse" {
    name       = "random"
    properties = local.multi
    order      = "random"
    seed       = 1
  }
}

scenario "composed-traversal" {
  step "open" {
    compose = "sublayer"
  }
  step "traverse" {
    properties = local.multi
  }
}

report {
  baseline = "usdc-openusd-cpp"
}
