# Runner's Go readers against the reference implementation of each format,
# on the same files in one interleaved run: usdc and usda read by the Go
# reader and by OpenUSD's C++ libraries (the openusd-cpp driver, SdfLayer),
# Parquet read by the Go reader and by Arrow C++'s Parquet reader (the
# arrow-cpp driver, parquet::arrow::FileReader) in two codecs and both
# indexes. Every reader must return the same values; results.md shows each
# step's "ours / reference": the Go reader's median over the reference
# driver's, for the same format and options.
#
#   make drivers
#   runner apply specs/vs-reference.hcl
#   runner apply -var prims=100000 specs/vs-reference.hcl

variable "prims" {
  type        = number
  default     = 10000
  description = "flat prims in the scene"
}

variable "repeat" {
  type    = number
  default = 10
}

settings {
  warmup  = 1
  repeat  = var.repeat
  isolate = "process"
  timeout = "10m"
}

dataset "flat" {
  prims     = var.prims
  hierarchy = "flat"
  seed      = 42
  payload   = true
}

format "usdc" {
  reader = ["go", "openusd-cpp"]
}

format "usda" {
  reader = ["go", "openusd-cpp"]
}

format "parquet" {
  compression = ["none", "zstd"]
  index       = ["eager", "lazy"]
  reader      = ["go", "arrow-cpp"]
}

scenario "open" {
  description = "Open the file"
  step "open" {}
}

scenario "get-double" {
  description = "cost (a double) of the middle prim: the first read after the open (cold), then 50 warm reads"
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

scenario "get-string" {
  description = "payload (a 1 KB string) of the middle prim: cold, then 50 warm reads"
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

scenario "traversal" {
  description = "cost of every prim, in layer order"
  step "open" {}
  step "traverse" {
    property = "cost"
  }
}

scenario "scan" {
  description = "cost of every prim, column-wise (Parquet decodes each column chunk once; OpenUSD, which stores no columns, reads the attribute prim by prim in layer order)"
  step "open" {}
  step "scan" {
    properties = ["cost"]
  }
}

report {
  title       = "Our readers against the reference implementations"
  description = "Runner's Go readers next to OpenUSD's C++ libraries (usdc, usda) and Arrow C++ (Parquet), on the same files in one interleaved run."
}
