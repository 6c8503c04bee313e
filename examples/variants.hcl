# Format blocks: the label names the variant in cell ids and reports; type
# defaults to the label, so format "usdc" {} is the usdc format with its
# default options. Give type to use a format twice under different labels.
# Options are checked against what the format declares; an unknown option is
# reported with the list of the ones the format has.
#
#   runner plan examples/variants.hcl

dataset "flat" {
  prims = 10000
}

format "usdc" {}

format "usdc-uncompressed" {
  type     = "usdc"
  compress = false
}

format "usda" {}

format "parquet-lazy" {
  type         = "parquet"
  compression  = "zstd"
  index        = "lazy"
  cache_budget = 8000000
}

format "parquet-eager" {
  type        = "parquet"
  compression = "zstd"
  dictionary  = [true, false]
}

scenario "initial-load" {
  step "open" {}
}

scenario "cold-get" {
  step "open" {}
  step "get" {
    prim     = "/World/Prim_5000"
    property = "cost"
  }
}

# The baseline is the variant every ratio is computed against; it must be
# one of the labels the plan shows (parquet-eager-dictionary,
# parquet-eager-no-dictionary, ...). Outputs default to all four.
report {
  title    = "Format variants"
  baseline = "usdc"
  outputs  = ["markdown", "json", "table", "html"]
}
