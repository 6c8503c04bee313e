package spec

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/scenebench/runner/drivers"
	"github.com/scenebench/runner/runner/plan"
)

// ReaderAttr is the format-block attribute that picks who reads a variant's
// files: "go" or a driver. It is not a format option; every format has it.
const ReaderAttr = "reader"

// loadDrivers checks the driver blocks and records their names, so format
// blocks can name them as readers.
func (l *loader) loadDrivers() []plan.Driver {
	var out []plan.Driver
	declared := map[string]hcl.Range{}
	for _, b := range l.bodies {
		for _, db := range b.Drivers {
			if db.Name == plan.GoReader {
				l.add(errorAt(db.DefRange, "Reserved driver name", `"go" names runner's own reader; give the driver another name.`))
				continue
			}
			if _, ok := drivers.Lookup(db.Name); ok {
				l.add(errorAt(db.DefRange, "Reserved driver name",
					fmt.Sprintf("%q is a shipped driver; declare yours under another name, with uses = %q to build on it.", db.Name, db.Name)))
				continue
			}
			if !l.declare(declared, "driver", db.Name, db.DefRange) {
				continue
			}
			if d, ok := l.driver(db); ok {
				out = append(out, d)
			}
		}
	}
	l.drivers = out
	return out
}

func (l *loader) driver(db *driverBlock) (plan.Driver, bool) {
	before := len(l.diags.Diagnostics)
	d := plan.Driver{Name: db.Name}
	switch {
	case db.Uses != nil && db.Command != nil:
		l.add(errorAt(db.Command.NameRange, "Conflicting arguments",
			"Give either uses (a shipped driver to build on) or command (a program of your own), not both."))
	case db.Uses != nil:
		if v, ok := l.str(db.Uses); ok {
			if _, shipped := drivers.Lookup(v); !shipped {
				l.valueError(db.Uses.Expr.Range(), db.Uses, "%q is not a shipped driver; the shipped drivers are %s.%s",
					v, quoteAll(drivers.Names()), suggest(v, drivers.Names()))
			} else {
				d.Uses = v
			}
		}
	case db.Command != nil:
		argv, _, ok := l.stringList(db.Command)
		if ok && len(argv) > 0 {
			// A relative program path, and arguments written "./x" or
			// "../x", are relative to the spec file.
			dir := filepath.Dir(db.DefRange.Filename)
			for i, a := range argv {
				rel := strings.HasPrefix(a, "./") || strings.HasPrefix(a, "../") ||
					(i == 0 && strings.Contains(a, "/") && !filepath.IsAbs(a))
				if abs, err := filepath.Abs(filepath.Join(dir, a)); rel && err == nil {
					argv[i] = abs
				}
			}
			d.Command = argv
		}
	default:
		l.add(errorAt(db.DefRange, "Missing required argument",
			fmt.Sprintf("Driver %q needs command = [\"program\", \"arg\", ...] or uses = \"NAME\" (one of %s).", db.Name, quoteList(drivers.Names()))))
	}
	if db.Env != nil {
		d.Env = l.stringMap(db.Env)
	}
	if db.Options != nil {
		d.Options = l.stringMap(db.Options)
	}
	return d, !hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors()
}

// stringMap evaluates an object or map whose values are strings (numbers
// and bools are written as HCL would print them).
func (l *loader) stringMap(attr *hcl.Attribute) map[string]string {
	v, ok := l.eval(attr)
	if !ok {
		return nil
	}
	if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		l.typeError(attr, attr.Expr.Range(), `an object such as { NAME = "value" }`)
		return nil
	}
	out := map[string]string{}
	for k, ev := range v.AsValueMap() {
		sv, err := convert.Convert(ev, cty.String)
		if err != nil || sv.IsNull() {
			l.valueError(attr.Expr.Range(), attr, "%s must be a string.", k)
			return nil
		}
		out[k] = sv.AsString()
	}
	return out
}

// readers are the names a format block's reader may take: "go", the
// shipped drivers and the spec's own.
func (l *loader) readers() []string {
	out := append([]string{plan.GoReader}, drivers.Names()...)
	for _, d := range l.drivers {
		out = append(out, d.Name)
	}
	return out
}

// readerAxis reads a format block's reader attribute: one reader or a list
// to sweep. "go" adds nothing to a variant's label; a driver adds its name.
func (l *loader) readerAxis(attr *hcl.Attribute) (sweepAxis, bool) {
	names := l.readers()
	vals := l.sweep(attr, "", func(v cty.Value, rng hcl.Range) (any, bool) {
		s, ok := l.strValue(attr, v, rng)
		if !ok {
			return nil, false
		}
		if !slices.Contains(names, s) {
			l.valueError(rng, attr, "%q is not a reader; the readers are %s, and drivers the spec declares with a driver block.%s",
				s, quoteList(names), suggest(s, names))
			return nil, false
		}
		return s, true
	})
	if vals == nil {
		return sweepAxis{}, false
	}
	return sweepAxis{name: ReaderAttr, values: vals, fragment: func(v any) string {
		if v == plan.GoReader {
			return ""
		}
		return v.(string)
	}}, true
}
