# Datasets: the building20 schema (20 properties plus a 1,000-character
# payload), custom properties added to it, or a schema of your own.
#
# Property types: double, float, int, int64, bool, string, token, float3,
# double3, and the arrays double[], float[], int[], float3[] (with a length).
# Generators: uniform(lo, hi), normal(mean, sd), choice([...]),
# sequence(start, step), pattern("SUP-####"), random_string(n), constant(v).
#
#   runner validate examples/custom-properties.hcl

# The preset plus two properties of our own, without the payload.
dataset "extended" {
  prims   = 5000
  seed    = 7
  payload = false

  property "heading" {
    type      = "float"
    generator = "uniform(0, 360)"
  }

  property "samples" {
    type      = "double[]"
    length    = 16
    generator = "normal(0, 1)"
  }
}

# Only our own properties, in a balanced tree of depth 3 and fanout 20.
dataset "sensors" {
  prims     = 8000
  hierarchy = "balanced"
  depth     = 3
  fanout    = 20
  schema    = "none"

  property "serial" {
    type      = "string"
    generator = "pattern(\"SN-######\")"
  }

  property "kind" {
    type      = "token"
    generator = "choice([\"thermo\", \"hygro\", \"baro\"])"
  }

  property "reading" {
    type      = "double"
    generator = "normal(20, 5)"
  }

  property "index" {
    type      = "int"
    generator = "sequence(0, 1)"
  }
}

format "usdc" {}

format "parquet" {}

# Every scenario runs on every dataset, so a step may only name properties
# all datasets carry (the runner checks); without properties, a traversal
# reads every property each prim has.
scenario "read-all" {
  step "open" {}
  step "traverse" {}
}

report {
  baseline = "usdc"
}
