# A whole number out of range is printed as written, not in exponent form.
dataset "flat" {
  prims = 2147483648
  seed  = 18446744073709551616
}

format "parquet" {}

scenario "s" {
  step "open" {}
}
