package drivercheck

// The datasets the suite reads, each with the properties its point reads
// name: every value type on a flat hierarchy, and the original suite's
// schema on the deep one.
var datasets = []struct {
	name, block string
	all         []string
	one         string
}{
	{"types", `dataset "types" {
  prims  = 300
  schema = "none"
  seed   = 7
  property "d" {
    type      = "double"
    generator = "normal(0, 1000)"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "f" {
    type      = "float"
    generator = "uniform(-1, 1)"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "i" {
    type      = "int"
    generator = "uniform(-100000, 100000)"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "i64" {
    type      = "int64"
    generator = "sequence(4000000000, 3)"
  }
  property "b" {
    type      = "bool"
    generator = "choice([true, false])"
  }
  property "s" {
    type      = "string"
    generator = "random_string(40)"
  }
  property "t" {
    type      = "token"
    generator = "choice([\"red\", \"green\", \"blue\"])"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "f3" {
    type      = "float3"
    generator = "normal(0, 1)"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "d3" {
    type      = "double3"
    generator = "uniform(-5, 5)"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "da" {
    type      = "double[]"
    length    = 5
    generator = "uniform(0, 1)"
  }
  property "fa" {
    type      = "float[]"
    length    = 3
    generator = "normal(0, 2)"
    samples    = 5
    time_start = 1
    time_step  = 2
  }
  property "ia" {
    type      = "int[]"
    length    = 4
    generator = "uniform(-9, 9)"
  }
  property "f3a" {
    type      = "float3[]"
    length    = 2
    generator = "uniform(0, 10)"
  }
}`, []string{"d", "f", "i", "i64", "b", "s", "t", "f3", "d3", "da", "fa", "ia", "f3a"}, "d"},
	{"deep", `dataset "deep" {
  prims     = 2500
  hierarchy = "deep"
  payload   = false
}`, []string{"cost", "lifespan", "is_active", "supplier_id", "install_date"}, "cost"},
}
