// Package output is the one list of the reports runner produces: their
// names (as a spec's report block and `runner report -format` give them),
// the files they are written to, and which of them a spec may ask for. The
// spec loader, the reporters and the runner command all read it; it
// imports nothing, so checking a spec does not pull in the renderers.
package output

import "strings"

// Output names.
const (
	Markdown = "markdown"
	JSON     = "json"
	Table    = "table"
	HTML     = "html"
	Benchfmt = "benchfmt"
)

// Output is one report.
type Output struct {
	// Name is the canonical name; Aliases are other names accepted for it.
	Name    string
	Aliases []string
	// File is the file the output is written to in a run's directory; ""
	// for one only printed on the terminal.
	File string
	// With names outputs whose files are written alongside this one's.
	With []string
	// InSpec is set for the outputs a spec's report block may list.
	InSpec bool
}

// all is in the order a spec's default outputs take.
var all = []Output{
	{Name: Markdown, Aliases: []string{"md"}, File: "results.md", InSpec: true},
	// results.txt (Go benchmark text) goes beside results.json so that
	// benchstat can read every run.
	{Name: JSON, File: "results.json", With: []string{Benchfmt}, InSpec: true},
	{Name: Table, InSpec: true},
	{Name: HTML, File: "report.html", InSpec: true},
	{Name: Benchfmt, File: "results.txt"},
}

// All returns every output.
func All() []Output { return append([]Output(nil), all...) }

// Lookup finds an output by name or alias, ignoring case.
func Lookup(name string) (Output, bool) {
	for _, o := range all {
		if strings.EqualFold(o.Name, name) {
			return o, true
		}
		for _, a := range o.Aliases {
			if strings.EqualFold(a, name) {
				return o, true
			}
		}
	}
	return Output{}, false
}

// Is reports whether name names the output want (by name or alias).
func Is(name, want string) bool {
	o, ok := Lookup(name)
	return ok && o.Name == want
}

// Names lists every name and alias Lookup accepts.
func Names() []string {
	var out []string
	for _, o := range all {
		out = append(out, o.Name)
		out = append(out, o.Aliases...)
	}
	return out
}

// SpecNames lists the outputs a spec's report block may list; a spec that
// lists none gets all of them, in this order.
func SpecNames() []string {
	var out []string
	for _, o := range all {
		if o.InSpec {
			out = append(out, o.Name)
		}
	}
	return out
}

// Files lists the files written for o: its own, then those of the outputs
// it brings along.
func (o Output) Files() []string {
	var out []string
	if o.File != "" {
		out = append(out, o.File)
	}
	for _, w := range o.With {
		if x, ok := Lookup(w); ok && x.File != "" {
			out = append(out, x.File)
		}
	}
	return out
}

// ForFile finds the output written to file.
func ForFile(file string) (Output, bool) {
	for _, o := range all {
		if o.File != "" && o.File == file {
			return o, true
		}
	}
	return Output{}, false
}
