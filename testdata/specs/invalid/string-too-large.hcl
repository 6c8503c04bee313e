# Each local doubles the one before; join would build 10 GB by s40.
locals {
  s0 = "0123456789"
  s1 = join("", [local.s0, local.s0])
  s2 = join("", [local.s1, local.s1])
  s3 = join("", [local.s2, local.s2])
  s4 = join("", [local.s3, local.s3])
  s5 = join("", [local.s4, local.s4])
  s6 = join("", [local.s5, local.s5])
  s7 = join("", [local.s6, local.s6])
  s8 = join("", [local.s7, local.s7])
  s9 = join("", [local.s8, local.s8])
  s10 = join("", [local.s9, local.s9])
  s11 = join("", [local.s10, local.s10])
  s12 = join("", [local.s11, local.s11])
  s13 = join("", [local.s12, local.s12])
  s14 = join("", [local.s13, local.s13])
  s15 = join("", [local.s14, local.s14])
  s16 = join("", [local.s15, local.s15])
  s17 = join("", [local.s16, local.s16])
  s18 = join("", [local.s17, local.s17])
  s19 = join("", [local.s18, local.s18])
  s20 = join("", [local.s19, local.s19])
  s21 = join("", [local.s20, local.s20])
  s22 = join("", [local.s21, local.s21])
  s23 = join("", [local.s22, local.s22])
  s24 = join("", [local.s23, local.s23])
  s25 = join("", [local.s24, local.s24])
  s26 = join("", [local.s25, local.s25])
  s27 = join("", [local.s26, local.s26])
  s28 = join("", [local.s27, local.s27])
  s29 = join("", [local.s28, local.s28])
  s30 = join("", [local.s29, local.s29])
  s31 = join("", [local.s30, local.s30])
  s32 = join("", [local.s31, local.s31])
  s33 = join("", [local.s32, local.s32])
  s34 = join("", [local.s33, local.s33])
  s35 = join("", [local.s34, local.s34])
  s36 = join("", [local.s35, local.s35])
  s37 = join("", [local.s36, local.s36])
  s38 = join("", [local.s37, local.s37])
  s39 = join("", [local.s38, local.s38])
  s40 = join("", [local.s39, local.s39])
}

dataset "flat" {
  prims = length(local.s40)
}

format "parquet" {}

scenario "s" {
  step "open" {}
}
