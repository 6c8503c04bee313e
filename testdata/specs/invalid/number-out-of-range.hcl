# Numbers a spec may use are those of a 64-bit float: NaN and infinities
# are refused where they arise, as are numbers whose text would be huge.
locals {
  huge     = 1e400
  tiny     = 1e-400
  infinite = 1 / 0
  too_big  = pow(10, 400)
  nan      = log(-1, 10)
}

dataset "flat" {
  prims = 1000
  seed  = local.huge + local.tiny + local.infinite + local.too_big + local.nan
}

format "parquet" {}

scenario "s" {
  step "open" {}
}
