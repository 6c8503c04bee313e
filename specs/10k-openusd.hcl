# The original suite's table measured through OpenUSD itself: 10,000 flat
# prims in usdc and usda, each read by runner's Go reader, by OpenUSD through
# Python (Sdf.Layer and Usd.Stage) and by OpenUSD's C++ libraries (SdfLayer,
# composition through Pcp). Every reader must return the same values.
#
#   make drivers
#   runner apply specs/10k-openusd.hcl
#   runner apply -var repeat=3 specs/10k-openusd.hcl    # quicker
#
# The composed load (the original's "initial load": a base layer with the
# hierarchy, the property file as its sublayer, composition forced) needs a
# reader that composes; the Go reader's cells of it are skipped.

variable "repeat" {
  type    = number
  default = 10
}

locals {
  multi   = ["cost", "carbon_A1", "weight", "temperature", "is_active", "supplier_id"]
  readers = ["go", "openusd-py", "openusd-usd", "openusd-cpp"]
}

settings {
  warmup  = 1
  repeat  = var.repeat
  isolate = "process"
  timeout = "10m"
}

# OpenUSD through Python at the Usd level: Usd.Stage.Open and
# UsdAttribute.Get (openusd-py alone reads through Sdf.Layer).
driver "openusd-usd" {
  uses    = "openusd-py"
  options = { api = "usd" }
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

format "usda" {
  reader = local.readers
}

scenario "initial-load" {
  description = "The original's load: the base layer (hierarchy only) on a stage, the property file as its sublayer, composed"
  step "open" {
    compose = "sublayer"
  }
}

scenario "open" {
  description = "Open the property file alone"
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

scenario "composed-traversal" {
  description = "Six properties of every prim, read through the composed stage"
  step "open" {
    compose = "sublayer"
  }
  step "traverse" {
    properties = local.multi
  }
}

report {
  title       = "10K flat prims through OpenUSD: USDC and USDA, four readers"
  description = "The original suite's table with OpenUSD in the matrix: runner's Go readers, OpenUSD via Python at the Sdf and Usd levels, and OpenUSD's C++ libraries at the Sdf/Pcp level, all reading the same files."
  baseline    = "usdc-openusd-cpp"
}
