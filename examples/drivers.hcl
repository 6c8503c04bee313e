# Readers: the same files read by runner's Go reader and by drivers — other
# programs that read scenes and speak the driver protocol. Every reader runs
# the same steps and must return the same digests.
#
#   make drivers                      # installs the shipped drivers
#   runner driver list
#   runner apply examples/drivers.hcl

settings {
  repeat = 3
}

# A shipped driver with a driver option: OpenUSD through Python at the Usd
# level (openusd-py alone reads through Sdf.Layer).
driver "usd-stage" {
  uses    = "openusd-py"
  options = { api = "usd" }
}

# A driver of your own: any program. A relative program path, and arguments
# written ./x or ../x, are relative to this file.
driver "pyarrow" {
  command = ["../.venv/bin/python", "./driver/pyarrow_driver.py"]
}

dataset "flat" {
  prims = 1000
}

format "usdc" {
  reader = ["go", "openusd-py", "usd-stage", "openusd-cpp"]
}

format "parquet" {
  compression = "zstd"
  reader      = ["go", "pyarrow"]
}

scenario "read" {
  step "open" {}
  step "get" {
    prim     = "middle"
    property = "cost"
  }
  step "traverse" {
    properties = ["cost", "supplier_id"]
  }
}

# The original suite's load: the hierarchy as a base layer, the data file
# as its sublayer, composed. The Go reader does not compose: its cells of
# this scenario are skipped.
scenario "composed" {
  step "open" {
    compose = "sublayer"
  }
  step "traverse" {
    property = "cost"
  }
}
