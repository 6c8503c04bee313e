# The original suite's wish list: time-sampled properties, reads on several
# threads, mixed sparse and bulk workloads, and memory pressure, at 10,000
# and 100,000 flat prims (with the 1,000-character payload, and three
# properties animated over 24 frames) in usdc, usda and parquet.
#
#   runner apply specs/wishlist.hcl
#
# Add OpenUSD's C++ reader beside the Go readers once `make drivers` has
# built it (it reads usdc and usda and threads traversals; it answers
# neither threaded gets nor mixes, so those cells of it are skipped):
#
#   runner apply -var 'drivers=["openusd-cpp"]' specs/wishlist.hcl
#
# Memory limits need control groups (see the README's "Wish list"); where
# there are none the pressure cells run unlimited and say so.

variable "drivers" {
  type        = list(string)
  default     = []
  description = "OpenUSD drivers to read usdc and usda beside the Go reader"
}

locals {
  readers  = concat(["go"], var.drivers)
  inspect  = ["cost", "carbon_A1", "weight", "temperature", "is_active", "supplier_id"]
  animated = ["translate", "opacity", "state"]
}

settings {
  warmup  = 1
  repeat  = 3
  timeout = "5m"
}

dataset "flat" {
  prims = [10000, 100000]

  # Animated: a default value and 24 time samples (frames 1 to 24) each.
  property "translate" {
    type      = "double3"
    generator = "uniform(-100, 100)"
    samples   = 24
  }
  property "opacity" {
    type      = "float"
    generator = "uniform(0, 1)"
    samples   = 24
  }
  property "state" {
    type      = "token"
    generator = "choice([\"idle\", \"moving\", \"stopped\"])"
    samples   = 24
  }
}

format "usdc" {
  reader = local.readers
}

format "usda" {
  reader = local.readers
}

# Parquet's decoded-block cache unlimited, and held to 16 MiB: the
# pressure scenarios show what the budget buys under a memory limit.
format "parquet" {
  compression  = "zstd"
  cache_budget = [0, 16777216]
}

scenario "animation" {
  description = "Scrub an animation: every prim's animated properties at frame 12, then halfway to frame 13 (translate and opacity interpolated, state held), then one prim's whole curves, first (decoding what the traversals left) and warm"
  step "open" {}
  step "traverse" {
    name       = "frame"
    properties = local.animated
    time       = 12
  }
  step "traverse" {
    name       = "between"
    properties = local.animated
    time       = 12.5
  }
  step "get" {
    name       = "curves"
    prim       = "middle"
    properties = local.animated
    time       = "all"
    times      = 100
  }
  step "get" {
    name       = "curves-warm"
    prim       = "middle"
    properties = local.animated
    time       = "all"
    times      = 1000
  }
}

scenario "thread-gets" {
  description = "Warm point reads of six properties of one prim on 1, 2, 4 and 8 threads at once"
  step "open" {}
  step "get" {
    name       = "cold"
    prim       = "middle"
    properties = local.inspect
  }
  step "get" {
    name       = "warm"
    prim       = "middle"
    properties = local.inspect
    times      = 1000
    threads    = [1, 2, 4, 8]
  }
}

# Apart from the gets, so that a reader that threads only traversals (the
# OpenUSD driver) still draws this curve.
scenario "thread-scans" {
  description = "A traversal of three properties of every prim, cut into 1, 2, 4 and 8 chunks read side by side"
  step "open" {}
  step "traverse" {
    properties = ["cost", "weight", "supplier_id"]
    threads    = [1, 2, 4, 8]
  }
}

scenario "sparse" {
  description = "One prim in a hundred, chosen at random: read in layer order, then (another run of the same prims) in random order"
  step "open" {}
  step "traverse" {
    name       = "sparse-layer"
    properties = ["cost", "payload"]
    fraction   = 0.01
    seed       = 7
  }
  step "traverse" {
    name       = "sparse-random"
    properties = ["cost", "payload"]
    fraction   = 0.01
    seed       = 7
    order      = "random"
  }
}

scenario "session" {
  description = "An interactive session: 20 rounds of colouring the viewport by cost (every prim), then inspecting 50 random prims (every property)"
  step "open" {}
  step "mix" {
    rounds               = 20
    point_reads          = 50
    traversal_properties = ["cost"]
    seed                 = 3
  }
}

scenario "pressure" {
  description  = "Open, read the payload of every prim, then a short session, under shrinking memory limits"
  memory_limit = ["none", "512MiB", "256MiB", "128MiB", "64MiB"]
  step "open" {}
  step "traverse" {
    properties = ["payload", "cost"]
  }
  step "mix" {
    rounds               = 5
    point_reads          = 50
    traversal_properties = ["cost"]
    seed                 = 3
  }
}

report {
  title       = "The wish list: threads, mixed workloads, memory pressure"
  description = "Multi-threaded reads (throughput and speed-up against one thread), sparse traversals and an interleaved interactive session, and how each format degrades under a kernel memory limit and a smaller Parquet block cache."
  baseline    = "usdc"
  control     = false
}
