# Locals name values computed once and used as local.NAME; expressions may
# call functions: numbers (min, max, pow, floor, ...), strings (format,
# join, upper, ...) and collections (range, concat, distinct, length, ...).
#
#   runner plan -json examples/locals-functions.hcl

variable "max_prims" {
  type    = number
  default = 100000
}

locals {
  # 1000, 10000, 100000, capped at max_prims.
  scales = distinct([for e in range(3, 6) : min(pow(10, e), var.max_prims)])

  doubles = ["cost", "weight", "temperature"]
  others  = ["is_active", "supplier_id"]
  reads   = concat(local.doubles, local.others)

  title = format("%d scales, %d properties", length(local.scales), length(local.reads))
}

settings {
  repeat  = 3
  timeout = format("%dm", max(1, floor(var.max_prims / 50000)))
}

dataset "flat" {
  prims = local.scales
}

format "usdc" {}

scenario "multi-get" {
  step "open" {}
  step "get" {
    prim       = "middle"
    properties = local.reads
  }
}

scenario "first-three" {
  step "open" {}
  step "traverse" {
    properties = slice(local.reads, 0, 3)
  }
}

report {
  title = local.title
}
