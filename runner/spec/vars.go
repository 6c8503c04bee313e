package spec

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

type variable struct {
	name  string
	typ   cty.Type
	def   cty.Value // cty.NilVal when there is no default
	value cty.Value // cty.NilVal until set by -var or -var-file
	// hasDefault is set when a default was written, valid or not, so an
	// invalid default is not reported again as a missing value.
	hasDefault bool
	decl       hcl.Range
}

// loadVariables is the first pass: declarations, their defaults, then the
// values from -var-file and -var, in that order.
func (l *loader) loadVariables() {
	for _, b := range l.bodies {
		for _, vb := range b.Variables {
			if !hclsyntax.ValidIdentifier(vb.Name) {
				l.add(errorAt(vb.DefRange, "Invalid variable name",
					fmt.Sprintf("%q is not a valid variable name: use letters, digits, '_' and '-', starting with a letter.", vb.Name)))
				continue
			}
			if prev, dup := l.vars[vb.Name]; dup {
				l.add(errorAt(vb.DefRange, "Duplicate variable",
					fmt.Sprintf("A variable named %q was already declared at %s.", vb.Name, prev.decl)))
				continue
			}
			v := &variable{name: vb.Name, typ: cty.DynamicPseudoType, decl: vb.DefRange}
			l.vars[vb.Name] = v
			l.varOrder = append(l.varOrder, vb.Name)
			if vb.Type != nil {
				ty, ds := typeexpr.TypeConstraint(vb.Type.Expr)
				l.addDiags(ds)
				if !ds.HasErrors() {
					v.typ = ty
				}
			}
			if vb.Description != nil {
				dv, ds := vb.Description.Expr.Value(nil)
				l.addDiags(ds)
				if !ds.HasErrors() {
					if _, err := convert.Convert(dv, cty.String); err != nil {
						l.add(errorAt(vb.Description.Expr.Range(), "Invalid variable description",
							fmt.Sprintf("The description must be a string: %s.", err)))
					}
				}
			}
			if vb.Default != nil {
				v.hasDefault = true
				dv, ds := vb.Default.Expr.Value(nil)
				l.addDiags(ds)
				if ds.HasErrors() {
					continue
				}
				cv, err := convert.Convert(dv, v.typ)
				if err != nil {
					l.add(errorAt(vb.Default.Expr.Range(), "Invalid default value for variable",
						fmt.Sprintf("The default of variable %q does not fit its type: %s.", vb.Name, err)))
					continue
				}
				v.def = cv
			}
		}
	}
	for _, path := range l.opts.VarFiles {
		l.loadVarFile(path)
	}
	for _, arg := range l.opts.Vars {
		l.loadVarArg(arg)
	}
}

func (l *loader) loadVarFile(path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		l.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("Reading -var-file %s failed: %s.", path, unwrapPathError(err)),
		})
		return
	}
	f, ds := l.parser.ParseHCL(src, path)
	l.addDiags(ds)
	if ds.HasErrors() {
		return
	}
	attrs, ds := f.Body.JustAttributes()
	l.addDiags(ds)
	for _, name := range sortedAttrNames(attrs) {
		attr := attrs[name]
		v, ok := l.vars[name]
		if !ok {
			l.add(warningAt(attr.NameRange, "Value for undeclared variable",
				fmt.Sprintf("The file sets %q, but no variable of that name is declared; the value is ignored.", name)))
			continue
		}
		val, ds := attr.Expr.Value(nil)
		l.addDiags(ds)
		if ds.HasErrors() {
			continue
		}
		l.setVar(v, val, attr.Expr.Range())
	}
}

func (l *loader) loadVarArg(arg string) {
	name, raw, ok := strings.Cut(arg, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		l.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid -var option",
			Detail:   fmt.Sprintf("The option -var %q is not NAME=VALUE, as in -var prims=1000.", arg),
		})
		return
	}
	v, declared := l.vars[name]
	if !declared {
		l.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Value for undeclared variable",
			Detail:   fmt.Sprintf("-var sets %q, but the spec declares no variable of that name%s.", name, l.declaredVarsHint()),
		})
		return
	}
	if v.typ == cty.String {
		v.value = cty.StringVal(raw)
		return
	}
	// Anything else is an HCL expression ("1000", "[1, 2]", "true"). For
	// an untyped variable, text that is no valid constant is a string.
	filename := fmt.Sprintf("<value for var.%s>", name)
	expr, ds := hclsyntax.ParseExpression([]byte(raw), filename, hcl.InitialPos)
	var val cty.Value
	if !ds.HasErrors() {
		var vds hcl.Diagnostics
		val, vds = expr.Value(nil)
		ds = append(ds, vds...)
	}
	if ds.HasErrors() {
		if v.typ == cty.DynamicPseudoType {
			v.value = cty.StringVal(raw)
			return
		}
		l.parser.Files()[filename] = &hcl.File{Bytes: []byte(raw)}
		rng := hcl.Range{Filename: filename, Start: hcl.InitialPos,
			End: hcl.Pos{Line: 1, Column: len(raw) + 1, Byte: len(raw)}}
		l.add(errorAt(rng, "Invalid value for variable",
			fmt.Sprintf("Variable %q is of type %s, so -var %s=VALUE takes an HCL expression of that type, such as 1000, [\"a\", \"b\"] or true; %q is not one (%s).",
				name, v.typ.FriendlyName(), name, raw, strings.TrimSuffix(ds[0].Summary, "."))))
		return
	}
	l.parser.Files()[filename] = &hcl.File{Bytes: []byte(raw)}
	l.setVar(v, val, expr.Range())
}

func (l *loader) setVar(v *variable, val cty.Value, rng hcl.Range) {
	cv, err := convert.Convert(val, v.typ)
	if err != nil {
		l.add(errorAt(rng, "Invalid value for variable",
			fmt.Sprintf("Variable %q is of type %s: %s.", v.name, v.typ.FriendlyName(), err)))
		return
	}
	v.value = cv
}

func (l *loader) declaredVarsHint() string {
	if len(l.varOrder) == 0 {
		return ""
	}
	return " (declared: " + strings.Join(l.varOrder, ", ") + ")"
}

// varObject is the value of `var`, reporting required variables left unset.
func (l *loader) varObject() cty.Value {
	m := map[string]cty.Value{}
	for _, name := range l.varOrder {
		v := l.vars[name]
		switch {
		case v.value != cty.NilVal:
			m[name] = v.value
		case v.def != cty.NilVal:
			m[name] = v.def
		case v.hasDefault:
			m[name] = cty.DynamicVal // the invalid default is reported
		default:
			l.add(errorAt(v.decl, "No value for required variable",
				fmt.Sprintf("Variable %q has no default. Set it with -var %s=VALUE or in a -var-file.", name, name)))
			m[name] = cty.DynamicVal
		}
	}
	return objectOf(m)
}

// loadLocals evaluates every locals block, each value once every local it
// refers to is known; what is left over refers to itself in a cycle.
func (l *loader) loadLocals(varVal cty.Value) {
	todo := map[string]*hcl.Attribute{}
	var order []string
	for _, b := range l.bodies {
		for _, lb := range b.Locals {
			attrs, ds := lb.Body.JustAttributes()
			l.addDiags(ds)
			for _, name := range sortedAttrNames(attrs) {
				a := attrs[name]
				if prev, dup := todo[name]; dup {
					l.add(errorAt(a.NameRange, "Duplicate local value",
						fmt.Sprintf("A local value named %q was already defined at %s.", name, prev.NameRange)))
					continue
				}
				todo[name] = a
				order = append(order, name)
			}
		}
	}
	ctx := &hcl.EvalContext{Functions: l.funcs}
	done := map[string]bool{}
	for progress := true; progress; {
		progress = false
		for _, name := range order {
			if done[name] {
				continue
			}
			a := todo[name]
			ready := true
			for _, t := range a.Expr.Variables() {
				if t.RootName() != "local" || len(t) < 2 {
					continue
				}
				if step, ok := t[1].(hcl.TraverseAttr); ok {
					if _, declared := todo[step.Name]; declared && !done[step.Name] {
						ready = false
					}
				}
			}
			if !ready {
				continue
			}
			ctx.Variables = map[string]cty.Value{"var": varVal, "local": objectOf(l.locals)}
			val := cty.DynamicVal
			if l.checkRefs(a.Expr, todo) {
				v, ds := a.Expr.Value(ctx)
				l.addDiags(ds)
				if !ds.HasErrors() && v.IsWhollyKnown() {
					val = v
				}
			}
			l.locals[name] = val
			done[name] = true
			progress = true
		}
	}
	for _, name := range order {
		if !done[name] {
			l.add(errorAt(todo[name].NameRange, "Cycle in local values",
				fmt.Sprintf("Local value %q depends, directly or through others, on itself.", name)))
			l.locals[name] = cty.DynamicVal
		}
	}
}

func sortedAttrNames(attrs hcl.Attributes) []string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	// Source order reads best in diagnostics.
	sortByPos(names, func(n string) hcl.Pos { return attrs[n].NameRange.Start })
	return names
}
