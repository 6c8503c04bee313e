settings {
  repeat = 3
}
