# The data behind the figures in drivers/usd-parquet/README.md: flat
# building20 prims (with payload) at 1K and 1M, as usdc and as Parquet
# (zstd, the default 1,000-row row groups).
#
#   runner gen drivers/usd-parquet/figures.hcl
#
# then time each file with sdfdump -time (see the README).

dataset "flat" {
  prims = [1000, 1000000]
}

format "usdc" {}

format "parquet" {
  compression = "zstd"
}

scenario "single-get" {
  step "open" {}
  step "get" {
    name     = "cold"
    prim     = "middle"
    property = "cost"
  }
}
