# The report's "Results at a glance" table, row by row. Without a glance
# block the reports choose the rows from what each step is (open, the first
# read after an open, later reads, traversals by order and number of
# properties); a glance block names them instead, in order. Each row is a
# label (the row's title), the scenario and step its figures come from
# (steps are named by their op, numbered when repeated, unless named), and
# optionally the figure: "time" (the default), "peak_rss", "rss_after" or
# "read_bytes", each the median over runs.
#
#   runner validate examples/glance.hcl

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

scenario "single-get" {
  step "open" {}
  step "get" {
    name     = "cold"
    prim     = "middle"
    property = "payload"
  }
  step "get" {
    prim     = "middle"
    property = "payload"
    times    = 50
  }
}

scenario "scan" {
  step "open" {}
  step "traverse" {
    properties = ["cost", "weight", "temperature"]
  }
}

report {
  baseline = "usdc"
  glance {
    row "open, fresh process" {
      scenario = "initial-load"
      step     = "open"
    }
    row "first read of payload" {
      scenario = "single-get"
      step     = "cold"
    }
    row "50 warm reads, per read" {
      scenario = "single-get"
      step     = "get#2"
    }
    row "three properties of every prim" {
      scenario = "scan"
      step     = "traverse"
    }
    row "peak memory of that scan" {
      scenario = "scan"
      step     = "traverse"
      metric   = "peak_rss"
    }
  }
}
