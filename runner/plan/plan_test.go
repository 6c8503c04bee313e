package plan

import (
	"reflect"
	"testing"

	"github.com/scenebench/runner/runner/dataset"
)

func TestLabelAndFragment(t *testing.T) {
	tests := []struct {
		base  string
		frags []string
		want  string
	}{
		{"parquet", nil, "parquet"},
		{"parquet", []string{"zstd"}, "parquet-zstd"},
		{"parquet", []string{"zstd", "rg1000"}, "parquet-zstd-rg1000"},
	}
	for _, tt := range tests {
		if got := Label(tt.base, tt.frags...); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.base, tt.frags, got, tt.want)
		}
	}
	frags := []struct {
		prefix string
		v      any
		want   string
	}{
		{"prims", 1000, "prims1000"},
		{"seed", uint64(7), "seed7"},
		{"depth", int64(3), "depth3"},
		{"hierarchy", "deep", "deep"},
		{"payload", true, "payload"},
		{"payload", false, "no-payload"},
	}
	for _, tt := range frags {
		if got := Fragment(tt.prefix, tt.v); got != tt.want {
			t.Errorf("Fragment(%q, %v) = %q, want %q", tt.prefix, tt.v, got, tt.want)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"flat", "parquet-zstd-rg1000", "v0.9.0", "_x", "10k", "a+b"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a/b", "my data", "-x", ".hidden", "a,b", "a=b", "a*"} {
		if CheckName(bad) == nil {
			t.Errorf("CheckName(%q) accepted", bad)
		}
	}
}

func TestProduct(t *testing.T) {
	var got [][]int
	Product([]int{2, 3}, func(idx []int) { got = append(got, append([]int(nil), idx...)) })
	want := [][]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Product = %v, want %v", got, want)
	}
	n := 0
	Product(nil, func([]int) { n++ })
	if n != 1 {
		t.Errorf("Product of no lists called fn %d times, want 1", n)
	}
	Product([]int{3, 0}, func([]int) { t.Error("called for an empty list") })
	if got := ProductSize([]int{10, 10, 10}, 100); got != 101 {
		t.Errorf("ProductSize saturates at %d, want 101", got)
	}
	if got := ProductSize([]int{1 << 30, 1 << 30, 1 << 30}, 1000); got != 1001 {
		t.Errorf("ProductSize overflowed: %d", got)
	}
	if got := ProductSize([]int{2, 3}, 100); got != 6 {
		t.Errorf("ProductSize = %d, want 6", got)
	}
}

func testPlan() *Plan {
	p := &Plan{
		Datasets: []dataset.Config{{Name: "small"}, {Name: "large"}},
		Formats: []Variant{
			{Label: "usdc", Format: "usdc"},
			{Label: "parquet-snappy", Format: "parquet"},
			{Label: "parquet-zstd", Format: "parquet"},
		},
		Scenarios: []Scenario{{Name: "open"}, {Name: "get"}},
	}
	p.Expand()
	return p
}

func TestExpand(t *testing.T) {
	p := testPlan()
	if len(p.Cells) != 12 {
		t.Fatalf("%d cells, want 12", len(p.Cells))
	}
	want := []string{"small/usdc/open", "small/usdc/get", "small/parquet-snappy/open"}
	for i, id := range want {
		if p.Cells[i].ID != id {
			t.Errorf("cell %d = %q, want %q", i, p.Cells[i].ID, id)
		}
	}
	needs := p.DataNeeds()
	if len(needs) != 6 || needs[0].Dataset.Name != "small" || needs[0].Format.Label != "usdc" {
		t.Errorf("DataNeeds = %+v", needs)
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		expr string
		want int
	}{
		{"", 12},
		{"format=parquet-*", 8},
		{"format=parquet", 8}, // the format type
		{"format=parquet-z*,scenario=open", 2},
		{"scenario=open,scenario=get", 12},
		{"dataset=sm?ll", 6},
		{"dataset=[ls]*,format=usdc", 4},
		{" format = usdc , scenario = get ", 2},
		{"format=hdf5", 0},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.expr)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.expr, err)
			continue
		}
		p := testPlan()
		if got := p.Select(f); got != tt.want || len(p.Cells) != tt.want {
			t.Errorf("filter %q selects %d cells, want %d", tt.expr, got, tt.want)
		}
	}
	for _, bad := range []string{"parquet", "color=red", "format=", "format=[", "format=a,,scenario=b", "=x"} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("ParseFilter(%q) accepted", bad)
		}
	}
}

// The scenarios of one sweep are one comparison group.
func TestGroupKeyOfSweeps(t *testing.T) {
	a := Cell{Dataset: dataset.Config{Name: "d"}, Scenario: Scenario{Name: "scan-t2", Base: "scan"}}
	b := Cell{Dataset: dataset.Config{Name: "d"}, Scenario: Scenario{Name: "scan-t4", Base: "scan"}}
	c := Cell{Dataset: dataset.Config{Name: "d"}, Scenario: Scenario{Name: "scan"}}
	if a.GroupKey() != b.GroupKey() || a.GroupKey() != c.GroupKey() {
		t.Errorf("group keys %q %q %q", a.GroupKey(), b.GroupKey(), c.GroupKey())
	}
}
