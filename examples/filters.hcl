# Filters select cells of a plan without editing the spec. A filter is a
# comma-separated list of KEY=GLOB terms; the keys are dataset, format and
# scenario, globs use * ? and [...]; terms with the same key are
# alternatives, different keys must all match. format= matches the
# variant label or the format type.
#
#   runner plan examples/filters.hcl                                  # 12 cells
#   runner plan -filter 'format=parquet' examples/filters.hcl         #  8 cells
#   runner plan -filter 'format=parquet-z*,scenario=open' examples/filters.hcl
#   runner plan -filter 'scenario=open,scenario=get' examples/filters.hcl
#   runner apply -filter 'dataset=small' examples/filters.hcl
#
# A filter that matches nothing, or a malformed one, is a usage error
# (exit status 2).

dataset "small" {
  prims = 1000
}

dataset "large" {
  prims = 20000
}

format "usdc" {}

format "parquet" {
  compression = ["snappy", "zstd"]
}

scenario "open" {
  step "open" {}
}

scenario "get" {
  step "open" {}
  step "get" {
    prim     = "middle"
    property = "cost"
  }
}
