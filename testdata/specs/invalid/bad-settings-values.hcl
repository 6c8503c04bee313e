settings {
  isolate = "thread"
  cache   = "hot"
}

dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
