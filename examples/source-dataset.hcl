# A user's scene as the dataset. source imports a USD layer (usda, usdc, or
# .usd of either; relative to this file) through runner's own readers: its
# prims that hold attribute values, with those values, are written to every
# format below, so every scenario runs on the user's data. Attributes the
# scene model does not carry (types such as quatf[], values only in time
# samples or variants, relationships) are left out and counted:
# `runner plan` and the reports say what was imported and what was not.
#
# data/scene.usdc was written by OpenUSD (data/make_scene.py).

settings {
  warmup = 0
  repeat = 3
}

dataset "room" {
  source = "data/scene.usdc"
}

format "usdc" {}

format "usda" {}

format "parquet" {
  compression = ["none", "zstd"]
}

scenario "traverse-all" {
  description = "Every imported property of every prim, in layer order"
  step "open" {}
  step "traverse" {}
}

scenario "mesh-points" {
  description = "One mesh's points, cold then warm"
  step "open" {}
  step "get" {
    name     = "cold"
    prim     = "/Room/Props/Item_5/Geom"
    property = "points"
  }
  step "get" {
    name       = "warm"
    prim       = "/Room/Props/Item_5/Geom"
    properties = ["points", "primvars:st", "faceVertexIndices"]
    times      = 20
  }
}

scenario "radius" {
  description = "A property of two types (float on some prims, double on others)"
  step "open" {}
  step "traverse" {
    property = "radius"
    order    = "random"
  }
}
