# Time-sampled properties: three animated properties over 24 frames,
# read at a frame, between two frames (interpolated as OpenUSD does),
# before the first, and whole curves, in every format.
#
#   runner apply examples/time-samples.hcl
#
# With the OpenUSD drivers built (`make drivers`), OpenUSD reads the same
# files beside the Go readers and every digest must agree:
#
#   runner apply -var 'drivers=["openusd-cpp", "openusd-py"]' examples/time-samples.hcl

variable "drivers" {
  type    = list(string)
  default = []
}

settings {
  warmup = 1
  repeat = 3
}

dataset "anim" {
  prims   = 1000
  schema  = "none"
  payload = false

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
  property "widths" {
    type      = "float[]"
    length    = 4
    generator = "uniform(0, 2)"
    samples   = 24
  }
  property "state" {
    type      = "token"
    generator = "choice([\"idle\", \"moving\", \"stopped\"])"
    samples   = 24
  }
  # Not animated: the same value at every time.
  property "mass" {
    type      = "double"
    generator = "uniform(1, 10)"
  }
}

format "usdc" {
  reader = concat(["go"], var.drivers)
}

format "usda" {
  reader = concat(["go"], var.drivers)
}

format "parquet" {}

scenario "animation" {
  description = "Every prim at frame 12, halfway to frame 13, before frame 1; then one prim's whole curves, cold and warm"
  step "open" {}
  step "traverse" {
    name = "frame"
    time = 12
  }
  step "traverse" {
    name = "between"
    time = 12.5
  }
  step "traverse" {
    name = "before"
    time = -3
  }
  step "get" {
    name       = "curves-cold"
    prim       = "middle"
    properties = ["translate", "opacity", "widths", "state", "mass"]
    time       = "all"
  }
  step "get" {
    name       = "curves"
    prim       = "middle"
    properties = ["translate", "opacity", "widths", "state", "mass"]
    time       = "all"
    times      = 100
  }
}

report {
  title    = "Time samples"
  baseline = "usdc"
  control  = false
}
