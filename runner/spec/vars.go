package spec

import (
	"fmt"
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
				dv, ds := l.evalExpr(vb.Description.Expr, nil)
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
				dv, ds := l.evalExpr(vb.Default.Expr, nil)
				l.addDiags(ds)
				if ds.HasErrors() {
					continue
				}
				if err := checkConvertible(dv, v.typ); err != nil {
					l.add(limitDiag(err, vb.Default.Expr.Range()))
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
	if l.budget.check() != nil {
		return
	}
	src, err := ReadFile(path)
	if err != nil {
		l.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("Reading -var-file %s failed: %s.", path, unwrapPathError(err)),
		})
		return
	}
	if !l.chargeSource(path, len(src)) {
		return
	}
	if ds := checkSource(path, src, false); ds != nil {
		l.addDiags(ds)
		if ds[0].Subject != nil {
			l.parser.Files()[path] = &hcl.File{Bytes: src}
		}
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
		val, ds := l.evalExpr(attr.Expr, nil)
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
	// A value refused here is reported once: the variable is then
	// unknown, not missing.
	defer l.unknownOnError(v)()
	filename := fmt.Sprintf("<value for var.%s>", name)
	if v.typ == cty.String {
		l.setRawString(v, name, raw)
		return
	}
	// The checks hcl's parser needs, as for a file: a -var value is
	// bounded only by the system's limit on arguments.
	if ds := checkSource(filename, []byte(raw), true); ds != nil {
		if ds[0].Subject != nil {
			l.parser.Files()[filename] = &hcl.File{Bytes: []byte(raw)}
		}
		l.addDiags(ds)
		return
	}
	// Anything else is an HCL expression ("1000", "[1, 2]", "true"). For
	// an untyped variable, text that is no valid constant is a string.
	expr, ds := hclsyntax.ParseExpression([]byte(raw), filename, hcl.InitialPos)
	var val cty.Value
	if !ds.HasErrors() {
		var vds hcl.Diagnostics
		val, vds = l.evalExpr(expr, nil)
		ds = append(ds, vds...)
	}
	if ds.HasErrors() {
		if v.typ == cty.DynamicPseudoType && !limitIn(ds) {
			l.setRawString(v, name, raw)
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

// setRawString sets a variable to the text of a -var value.
func (l *loader) setRawString(v *variable, name, raw string) {
	if at, what := firstNonText([]byte(raw)); at >= 0 {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("The value of -var %s has %s at byte %d; values are UTF-8 text.", name, what, at)})
		return
	}
	val := cty.StringVal(raw)
	if le := checkValue(val); le != nil {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: le.summary,
			Detail: fmt.Sprintf("The value of -var %s: %s.", name, le.detail)})
		return
	}
	v.value = val
}

// limitIn reports whether ds holds a limit's diagnostic rather than a
// syntax error.
func limitIn(ds hcl.Diagnostics) bool {
	for _, d := range ds {
		switch d.Summary {
		case summaryTooLarge, summaryTooCostly, summaryOutOfRange, summaryInterrupted:
			return true
		}
	}
	return false
}

// checkConvertible refuses a value whose conversion to ty would read a
// string too long to be a number.
func checkConvertible(val cty.Value, ty cty.Type) *limitError {
	if !typeHasNumber(ty) || ty == cty.DynamicPseudoType {
		return nil
	}
	if err := checkNumberText(val); err != nil {
		return err.(*limitError)
	}
	return nil
}

// unknownOnError returns a function that leaves v unknown (rather than
// unset, which is reported as missing) if errors were reported since.
func (l *loader) unknownOnError(v *variable) func() {
	errs := l.errorCount()
	return func() {
		if v.value == cty.NilVal && l.errorCount() > errs {
			v.value = cty.DynamicVal
		}
	}
}

func (l *loader) errorCount() int {
	n := l.diags.droppedErrors
	for _, d := range l.diags.Diagnostics {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	return n
}

func (l *loader) setVar(v *variable, val cty.Value, rng hcl.Range) {
	defer l.unknownOnError(v)()
	if err := checkConvertible(val, v.typ); err != nil {
		l.add(limitDiag(err, rng))
		return
	}
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
// refers to is known, in dependency order; what is left over refers to
// itself in a cycle.
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
	// deps are the declared locals each local refers to; whole marks one
	// that refers to local other than by name (local["x"], local), which
	// is evaluated with every local known by then, as it always was.
	deps := map[string][]string{}
	whole := map[string]bool{}
	waiting := map[string]int{}
	users := map[string][]string{}
	for _, name := range order {
		seen := map[string]bool{}
		for _, t := range todo[name].Expr.Variables() {
			if t.RootName() != "local" {
				continue
			}
			step, ok := hcl.TraverseAttr{}, false
			if len(t) >= 2 {
				step, ok = t[1].(hcl.TraverseAttr)
			}
			if !ok {
				whole[name] = true
				continue
			}
			if _, declared := todo[step.Name]; declared && !seen[step.Name] {
				seen[step.Name] = true
				deps[name] = append(deps[name], step.Name)
				users[step.Name] = append(users[step.Name], name)
				waiting[name]++
			}
		}
	}
	// Kahn's algorithm, in source order among the locals ready at once.
	var ready []string
	for _, name := range order {
		if waiting[name] == 0 {
			ready = append(ready, name)
		}
	}
	done := map[string]bool{}
	for len(ready) > 0 {
		name := ready[0]
		ready = ready[1:]
		l.evalLocal(name, todo, deps[name], whole[name], varVal)
		done[name] = true
		for _, u := range users[name] {
			if waiting[u]--; waiting[u] == 0 {
				ready = append(ready, u)
			}
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

// evalLocal evaluates one local with the locals it refers to (or, if whole
// is set, all known so far) and records its value, unknown on error.
func (l *loader) evalLocal(name string, todo map[string]*hcl.Attribute, deps []string, whole bool, varVal cty.Value) {
	a := todo[name]
	known := l.locals
	if !whole {
		known = make(map[string]cty.Value, len(deps))
		for _, d := range deps {
			known[d] = l.locals[d]
		}
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": varVal, "local": objectOf(known)},
		Functions: l.funcs,
	}
	val := cty.DynamicVal
	if l.checkRefs(a.Expr, todo) {
		v, ds := l.evalExpr(a.Expr, ctx)
		l.addDiags(ds)
		if !ds.HasErrors() && v.IsWhollyKnown() {
			val = v
		}
	}
	l.locals[name] = val
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
