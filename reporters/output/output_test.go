package output

import (
	"slices"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"markdown", Markdown, true},
		{"md", Markdown, true},
		{"MD", Markdown, true},
		{"json", JSON, true},
		{"Table", Table, true},
		{"html", HTML, true},
		{"benchfmt", Benchfmt, true},
		{"pdf", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		o, ok := Lookup(tt.name)
		if ok != tt.ok || o.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.name, o.Name, ok, tt.want, tt.ok)
		}
	}
	if !Is("md", Markdown) || Is("md", HTML) || Is("pdf", Markdown) {
		t.Error("Is disagrees with Lookup")
	}
}

func TestLists(t *testing.T) {
	// The spec language's default outputs, in the order results.json
	// records them.
	if got, want := SpecNames(), []string{"markdown", "json", "table", "html"}; !slices.Equal(got, want) {
		t.Errorf("SpecNames() = %q, want %q", got, want)
	}
	if got, want := Names(), []string{"markdown", "md", "json", "table", "html", "benchfmt"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	files := map[string][]string{
		Markdown: {"results.md"},
		JSON:     {"results.json", "results.txt"},
		Table:    nil,
		HTML:     {"report.html"},
		Benchfmt: {"results.txt"},
	}
	for _, o := range All() {
		if got := o.Files(); !slices.Equal(got, files[o.Name]) {
			t.Errorf("%s writes %q, want %q", o.Name, got, files[o.Name])
		}
		if o.File == "" {
			continue
		}
		if f, ok := ForFile(o.File); !ok || f.Name != o.Name {
			t.Errorf("ForFile(%q) = %q, want %q", o.File, f.Name, o.Name)
		}
	}
}
