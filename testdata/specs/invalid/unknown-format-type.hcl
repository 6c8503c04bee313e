dataset "flat" {
  prims = 1000
}

format "hdf5" {}

format "fast" {
  type = "arrow"
}

scenario "open" {
  step "open" {}
}
