# Threads, sparse and mixed workloads, and memory limits (see "Threads",
# "Mixed workloads" and "Memory limits" in README.md).

dataset "flat" {
  prims = 10000
}

format "usdc" {}

format "parquet" {
  cache_budget = [0, 4194304]
}

scenario "scan" {
  step "open" {}
  step "traverse" {
    properties = ["cost", "weight"]
    threads    = [1, 2, 4]
  }
}

scenario "sparse" {
  step "open" {}
  step "traverse" {
    property = "payload"
    fraction = 0.01
    seed     = 7
  }
}

scenario "session" {
  step "open" {}
  step "mix" {
    rounds               = 20
    point_reads          = 50
    traversal_properties = ["cost"]
    seed                 = 3
  }
}

scenario "pressure" {
  memory_limit = ["none", "256MiB", "64MiB"]
  step "open" {}
  step "traverse" {
    property = "payload"
  }
}
