# The data behind the figures in drivers/usd-parquet/README.md: flat
# building20 prims at 1K and 1M, without the 1,000-character payload (with
# it, OpenUSD's usdc reader needs about 64 s and 10 GiB to open the 1M file
# on this machine), as usdc and as Parquet (zstd, the default 1,000-row row
# groups).
#
#   runner gen drivers/usd-parquet/figures.hcl
#
# then time each file with sdfdump -time (see the README).

dataset "flat" {
  prims   = [1000, 1000000]
  payload = false
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
