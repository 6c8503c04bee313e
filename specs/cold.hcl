# Cold-cache reads: before every run the dataset's files are dropped from
# the OS page cache, so opens and first reads pay for the disk. The results
# say whether dropping worked on this machine.
#
#   runner apply specs/cold.hcl

settings {
  cache   = "cold"
  isolate = "process"
  repeat  = 10
}

dataset "flat" {
  prims = 10000
}

format "usdc" {}

format "parquet" {
  compression = ["none", "zstd"]
}

scenario "initial-load" {
  step "open" {}
}

scenario "cold-get" {
  step "open" {}
  step "get" {
    prim     = "middle"
    property = "payload"
  }
}

scenario "single-traversal" {
  step "open" {}
  step "traverse" {
    property = "payload"
  }
}

report {
  title    = "Cold page cache"
  baseline = "usdc"
}
