dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "nothing" {
  description = "forgot the steps"
}
