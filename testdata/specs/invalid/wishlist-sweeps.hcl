settings {
  memory_limit = ["1GiB", "2GiB"]
}

dataset "flat" {
  prims = 1000
}

format "parquet" {
  memory_limit = ["256MiB", "lots", "1MiB"]
}

scenario "threads" {
  memory_limit = "64MiB"
  step "open" {}
  step "get" {
    property = "cost"
    threads  = [1, 2, 4]
  }
  step "traverse" {
    property = "cost"
    threads  = [1, 2]
  }
}

scenario "sparse" {
  step "open" {}
  step "traverse" {
    property = "cost"
    fraction = [0.5, 0, 2]
  }
}
