settings {
  isolate = "thread"
  cache   = "hot"
  shards  = 0
}

dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
