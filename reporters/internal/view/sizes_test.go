package view

import (
	"testing"

	"github.com/scenebench/runner/runner/results"
)

func TestCompressionRatio(t *testing.T) {
	f := &results.File{SchemaVersion: 1,
		Datasets: []results.Dataset{{Name: "d", Prims: 10, Files: []results.DataFile{
			{Format: "p-none", Bytes: 1000}, {Format: "p-zstd", Bytes: 250}, {Format: "p-zstd-rg10", Bytes: 400}, {Format: "u", Bytes: 800},
			{Format: "q-off-a", Bytes: 900}, {Format: "q-lz-a", Bytes: 300}, {Format: "q-lz-b", Bytes: 100}}}},
		Cells: []results.Cell{
			{ID: "1", Dataset: "d", Format: "p-none", FormatName: "p", Variant: map[string]string{"compression": "none"}, Status: "ok"},
			{ID: "2", Dataset: "d", Format: "p-zstd", FormatName: "p", Variant: map[string]string{"compression": "zstd"}, Status: "ok"},
			{ID: "3", Dataset: "d", Format: "p-zstd-rg10", FormatName: "p", Variant: map[string]string{"compression": "zstd", "row_group_size": "10"}, Status: "ok"},
			{ID: "4", Dataset: "d", Format: "u", FormatName: "u", Status: "ok"},
			// A codec option of another name: found by its value.
			{ID: "5", Dataset: "d", Format: "q-off-a", FormatName: "q", Variant: map[string]string{"codec": "off", "layout": "a"}, Status: "ok"},
			{ID: "6", Dataset: "d", Format: "q-lz-a", FormatName: "q", Variant: map[string]string{"codec": "lz", "layout": "a"}, Status: "ok"},
			{ID: "7", Dataset: "d", Format: "q-lz-b", FormatName: "q", Variant: map[string]string{"codec": "lz", "layout": "b"}, Status: "ok"},
		}}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range r.Datasets[0].Sizes {
		got[s.Variant.Label] = s.Compression
	}
	want := map[string]string{"p-none": "1.00x", "p-zstd": "4.00x", "p-zstd-rg10": "–", "u": "–",
		"q-off-a": "1.00x", "q-lz-a": "3.00x", "q-lz-b": "–"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s compression %q, want %q", k, got[k], v)
		}
	}
	if r.Datasets[0].SizeWinner.Winner != "q-lz-b" {
		t.Errorf("size winner %+v", r.Datasets[0].SizeWinner)
	}
}
