# Sweeps: any dataset attribute and any format option may be a list; the
# block expands into one dataset (or format variant) per combination, the
# first attribute varying slowest. Names add only the axes that vary:
#
#   datasets  scene-flat-prims1000, scene-flat-prims10000,
#             scene-deep-prims1000, scene-deep-prims10000
#   variants  parquet-none-rg100, parquet-none-rg1000,
#             parquet-zstd-rg100, parquet-zstd-rg1000
#
# The matrix is 4 datasets x 4 variants x 1 scenario = 16 cells:
#
#   runner plan examples/sweeps.hcl
#
# Dataset names: strings appear bare ("deep"), numbers after the attribute
# name ("prims1000", "seed7"), booleans as "payload" / "no-payload". Format
# variant labels use each option's own prefix ("rg1000" for row_group_size,
# "l3" for compression_level, "v0.9.0" for a usdc version).

dataset "scene" {
  hierarchy = ["flat", "deep"]
  prims     = [1000, 10000]
}

format "parquet" {
  compression    = ["none", "zstd"]
  row_group_size = [100, 1000]
}

scenario "single-traversal" {
  step "open" {}
  step "traverse" {
    property = "cost"
  }
}

report {
  baseline = "parquet-none-rg1000"
}
