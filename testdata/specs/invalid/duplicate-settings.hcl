settings {
  repeat = 3
}

settings {
  repeat = 5
}

dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
