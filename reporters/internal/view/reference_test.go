package view

import (
	"testing"
)

// Each Go-read variant is set beside the same variant read by its
// format's reference driver; other drivers, other options and the A/A
// control get no ratio.
func TestReferenceRatios(t *testing.T) {
	labels := []string{"usdc", "usdc-control", "usdc-openusd-cpp", "usdc-openusd-py",
		"parquet-none", "parquet-none-arrow-cpp", "parquet-zstd-arrow-cpp", "usda"}
	f := file(10, "usdc", labels, map[string][]stepSpec{"s": {{"open", "open", 1, 100}}}, []string{"s"})
	type variant struct{ format, reader, compression string }
	vs := map[string]variant{
		"usdc": {"usdc", "go", ""}, "usdc-control": {"usdc", "go", ""}, "usdc-openusd-cpp": {"usdc", "openusd-cpp", ""},
		"usdc-openusd-py": {"usdc", "openusd-py", ""}, "parquet-none": {"parquet", "", "none"},
		"parquet-none-arrow-cpp": {"parquet", "arrow-cpp", "none"}, "parquet-zstd-arrow-cpp": {"parquet", "arrow-cpp", "zstd"},
		"usda": {"usda", "go", ""},
	}
	for i := range f.Cells {
		c := &f.Cells[i]
		v := vs[c.Format]
		c.FormatName, c.Reader, c.Control = v.format, v.reader, c.Format == "usdc-control"
		c.Variant = map[string]string{"reader": v.reader}
		if v.reader == "" {
			c.Variant["reader"] = "go"
		}
		if v.compression != "" {
			c.Variant["compression"] = v.compression
		}
	}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Datasets[0].Scenarios[0].Steps[0]
	// The helper makes variant i take i+1 times the base median. The A/A
	// control takes twice the baseline's time, so the noise floor is about
	// 2x: 1/3 is a clear difference, 5/6 is not.
	want := map[string]string{"usdc": "0.33x", "parquet-none": "~ 0.83x"}
	for _, row := range st.Rows {
		got := row.VsRef.Text()
		if got != want[row.Variant.Label] {
			t.Errorf("%s: ours / reference %q, want %q", row.Variant.Label, got, want[row.Variant.Label])
		}
	}
	if !st.HasVsRef {
		t.Error("HasVsRef false")
	}
	tab := r.Datasets[0].Reference
	if tab == nil || len(tab.Variants) != 2 || tab.Variants[0].Label != "usdc" || tab.Variants[1].Label != "parquet-none" ||
		len(tab.Rows) != 1 || tab.Rows[0].Ratios[1].Text() != "~ 0.83x" {
		t.Errorf("reference table %+v", tab)
	}
}

// Without a reference driver in the results there is no ratio and no
// table.
func TestNoReference(t *testing.T) {
	f := file(10, "a", []string{"a", "b"}, map[string][]stepSpec{"s": {{"open", "open", 1, 100}}}, []string{"s"})
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	if st := r.Datasets[0].Scenarios[0].Steps[0]; st.HasVsRef || r.Datasets[0].Reference != nil {
		t.Errorf("a reference where there is none: %v %+v", st.HasVsRef, r.Datasets[0].Reference)
	}
}
