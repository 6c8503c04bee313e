# Variables: declared with a type, a default and a description, used as
# var.NAME, and set from the command line or a file:
#
#   runner plan examples/variables.hcl
#   runner plan -var prims=50000 -var 'codecs=["lz4"]' examples/variables.hcl
#   runner plan -var-file examples/small.vars examples/variables.hcl
#
# -var-file is read first, then every -var in order; the last value wins.
# A -var value is an HCL expression (50000, ["lz4"], true) unless the
# variable's type is string, when it is taken as it is.

variable "prims" {
  type        = number
  default     = 10000
  description = "prims per dataset"
}

variable "codecs" {
  type    = list(string)
  default = ["snappy", "zstd"]
}

variable "label" {
  type        = string
  default     = "variables example"
  description = "report title"
}

settings {
  repeat = 3
}

dataset "flat" {
  prims = var.prims
}

format "parquet" {
  compression = var.codecs
}

scenario "initial-load" {
  step "open" {}
}

report {
  title = var.label
}
