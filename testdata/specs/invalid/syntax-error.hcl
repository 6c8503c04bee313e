dataset "flat" {
  prims = 
}

format "parquet" {
