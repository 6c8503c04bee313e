package spec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Evaluation guards. hcl evaluates an expression in one recursive call the
// loader cannot interrupt, so every place where evaluation can grow a
// value or repeat work carries a check that runs before the growth:
//
//   - every function a spec may call is wrapped (functions.go): the wrapper
//     converts the arguments itself, refuses numbers written too long to
//     read cheaply, works out how large the result will be before calling
//     (join, replace, format, split, concat, flatten, ...) and checks the
//     result after;
//   - the parsed expressions are instrumented (instrument below): arithmetic
//     operators check their results, and calls to internal guard functions
//     are spliced around operands, both results of a conditional, template
//     parts, the collections and bodies of for expressions and splats,
//     index keys, the elements of list and object constructors and, inside
//     loops, the constructors themselves, so that each charges what it
//     handles against the load's budget before anything is built from it;
//   - every value the loader keeps (a variable, a local, an attribute) is
//     measured (checkValue).
//
// The budget also carries the load's context, so that an interrupt stops
// evaluation at the next guard.

// limitError is a limit an expression ran into. Its summary becomes the
// diagnostic's; detail is a sentence fragment, as go-cty's errors are.
type limitError struct{ summary, detail string }

func (e *limitError) Error() string { return e.detail }

const (
	summaryTooLarge    = "Value too large"
	summaryTooCostly   = "Spec too costly to evaluate"
	summaryOutOfRange  = "Number out of range"
	summaryInterrupted = "Loading interrupted"
)

var errInterrupted = &limitError{summaryInterrupted, "loading the spec was interrupted"}

// budget is what is left of the load's MaxLoadElements and MaxLoadBytes.
//
// go-cty walks every argument of a function call whole before the function
// runs, so the guards charge the whole of every value they see, and once
// the budget is spent (or the load interrupted) stop empties the function
// tables: hcl then fails every later call at its name, before evaluating
// its arguments, and the rest of the evaluation costs next to nothing.
type budget struct {
	ctx      context.Context
	elements int
	bytes    int64
	// stopped is set once the budget is spent or the load interrupted;
	// every later charge fails with it.
	stopped *limitError
	// tables are emptied when the budget stops.
	tables []map[string]function.Function
}

func newBudget(ctx context.Context, opts Options) *budget {
	b := &budget{ctx: ctx, elements: MaxLoadElements, bytes: MaxLoadBytes}
	if opts.loadElements > 0 {
		b.elements = opts.loadElements
	}
	if opts.loadBytes > 0 {
		b.bytes = opts.loadBytes
	}
	return b
}

func (b *budget) stop(e *limitError) error {
	if b.stopped == nil {
		b.stopped = e
		for _, t := range b.tables {
			clear(t)
		}
	}
	return b.stopped
}

// check reports whether evaluation may go on.
func (b *budget) check() error {
	if b.stopped != nil {
		return b.stopped
	}
	if b.ctx.Err() != nil {
		return b.stop(errInterrupted)
	}
	return nil
}

func (b *budget) charge(elements int, bytes int64) error {
	if err := b.check(); err != nil {
		return err
	}
	b.elements -= elements
	b.bytes -= bytes
	switch {
	case b.elements < 0:
		return b.stop(&limitError{summaryTooCostly, fmt.Sprintf("evaluating the spec's expressions produces or handles more than %d elements in all; a loop over a large collection, nested loops or a large value used over and over do too much work for a spec", MaxLoadElements)})
	case b.bytes < 0:
		return b.stop(&limitError{summaryTooCostly, fmt.Sprintf("evaluating the spec's expressions produces or handles more than %s of text in all", humanSize(MaxLoadBytes))})
	}
	return nil
}

// chargeValue charges v's elements and text, measured no further than
// the budget left.
func (b *budget) chargeValue(v cty.Value, atLeast int) error {
	w := sizeWalker{maxElements: max(b.elements, 0), maxBytes: max(b.bytes, 0)}
	w.walk(v, 0)
	return b.charge(max(w.elements, atLeast), w.bytes)
}

// sizeWalker measures a value: its elements (at every level), the bytes
// of its strings and how deeply it nests, stopping once it is past any
// limit. With checkNumbers it also stops at a number out of range.
type sizeWalker struct {
	maxElements  int
	maxBytes     int64
	maxDepth     int // 0: not checked
	checkNumbers bool

	elements int
	bytes    int64
	depth    int
	err      error // the first number out of range
}

func (w *sizeWalker) over() bool {
	return w.elements > w.maxElements || w.bytes > w.maxBytes || w.maxDepth > 0 && w.depth > w.maxDepth || w.err != nil
}

func (w *sizeWalker) walk(v cty.Value, depth int) {
	if w.over() {
		return
	}
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	if !v.IsKnown() || v.IsNull() {
		return
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		w.bytes += int64(len(v.AsString()))
		return
	case ty == cty.Number:
		if w.checkNumbers {
			w.err = checkNumber(v)
		}
		return
	case ty.IsPrimitiveType():
		return
	case ty.IsCapsuleType():
		return
	}
	depth++
	if depth > w.depth {
		w.depth = depth
	}
	if w.over() {
		return
	}
	w.elements += v.LengthInt()
	if w.over() {
		return
	}
	// Elements of a number or bool collection need no visit, unless
	// numbers are checked.
	if et := elementType(ty); et != cty.NilType && et.IsPrimitiveType() && et != cty.String && !(w.checkNumbers && et == cty.Number) {
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		w.walk(ev, depth)
		if w.over() {
			return
		}
	}
}

// elementType is the single element type of a list, set or map, or
// cty.NilType.
func elementType(ty cty.Type) cty.Type {
	if ty.IsListType() || ty.IsSetType() || ty.IsMapType() {
		return ty.ElementType()
	}
	return cty.NilType
}

// smallValue reports whether v is small enough to print in a diagnostic.
func smallValue(v cty.Value) bool {
	w := sizeWalker{maxElements: 32, maxBytes: 256}
	w.walk(v, 0)
	return !w.over()
}

// checkValue measures a value the loader keeps against the limits of one
// value, and checks its numbers.
func checkValue(v cty.Value) *limitError {
	w := sizeWalker{maxElements: MaxElements, maxBytes: MaxValueBytes, maxDepth: MaxDepth, checkNumbers: true}
	w.walk(v, 0)
	switch {
	case w.err != nil:
		var le *limitError
		if errors.As(w.err, &le) {
			return le
		}
		return &limitError{summaryOutOfRange, w.err.Error()}
	case w.elements > MaxElements:
		return &limitError{summaryTooLarge, fmt.Sprintf("the value holds more than %d elements, the most a value may hold", MaxElements)}
	case w.bytes > MaxValueBytes:
		return &limitError{summaryTooLarge, fmt.Sprintf("the value holds more than %s of text, the most a value may hold", humanSize(MaxValueBytes))}
	case w.depth > MaxDepth:
		return &limitError{summaryTooLarge, fmt.Sprintf("the value nests more than %d levels deep", MaxDepth)}
	}
	return nil
}

var (
	maxNumber = new(big.Float).SetFloat64(math.MaxFloat64)
	minNumber = new(big.Float).SetFloat64(math.SmallestNonzeroFloat64)
)

// checkNumber refuses a number outside the range of a 64-bit float: no
// attribute needs one, and a number of huge magnitude, written out as text
// (a template, tostring, format), would take gigabytes.
func checkNumber(v cty.Value) error {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	bf := v.AsBigFloat()
	if bf.IsInf() {
		return &limitError{summaryOutOfRange, "the number is infinite"}
	}
	abs := new(big.Float).Abs(bf)
	if abs.Cmp(maxNumber) > 0 {
		return &limitError{summaryOutOfRange, fmt.Sprintf("the number (%s) is larger than %.2g, the largest a spec may use", approxText(bf), math.MaxFloat64)}
	}
	if abs.Sign() != 0 && abs.Cmp(minNumber) < 0 {
		return &limitError{summaryOutOfRange, fmt.Sprintf("the number (%s) is closer to zero than %.2g, the smallest other than 0 a spec may use", approxText(bf), math.SmallestNonzeroFloat64)}
	}
	return nil
}

// approxText writes a number of any magnitude in a few characters, from
// its binary exponent: big.Float's own Text works out every decimal digit,
// which for 1e9999999 takes seconds.
func approxText(bf *big.Float) string {
	mant := new(big.Float)
	exp := bf.MantExp(mant) // bf = mant * 2**exp, 0.5 <= |mant| < 1
	m, _ := mant.Float64()
	l := math.Log10(math.Abs(m)) + float64(exp)*math.Log10(2)
	e := math.Floor(l)
	lead := math.Pow(10, l-e)
	if m < 0 {
		lead = -lead
	}
	return fmt.Sprintf("about %.3ge%+d", lead, int64(e))
}

// checkNumberText refuses a string in v that looks like a number but is
// longer than MaxNumberText: converting it to a number would take time
// quadratic in its length.
func checkNumberText(v cty.Value) error {
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		if n := numberPrefix(v.AsString()); n > MaxNumberText {
			return &limitError{summaryOutOfRange, fmt.Sprintf("a string that starts with %d digits cannot be read as a number: a number is written with at most %d", n, MaxNumberText)}
		}
		return nil
	case ty.IsPrimitiveType() || ty.IsCapsuleType():
		return nil
	}
	if et := elementType(ty); et != cty.NilType && et.IsPrimitiveType() && et != cty.String {
		return nil
	}
	for it := v.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		if err := checkNumberText(ev); err != nil {
			return err
		}
	}
	return nil
}

// numberPrefix is the length of the sign, digits and points s starts
// with: what reading s as a number scans in time quadratic in its length.
func numberPrefix(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	return i
}

// typeHasNumber reports whether converting to ty may convert a string to
// a number.
func typeHasNumber(ty cty.Type) bool {
	switch {
	case ty == cty.Number || ty == cty.DynamicPseudoType:
		return true
	case ty.IsListType() || ty.IsSetType() || ty.IsMapType():
		return typeHasNumber(ty.ElementType())
	case ty.IsTupleType():
		for _, et := range ty.TupleElementTypes() {
			if typeHasNumber(et) {
				return true
			}
		}
	case ty.IsObjectType():
		for _, at := range ty.AttributeTypes() {
			if typeHasNumber(at) {
				return true
			}
		}
	}
	return false
}

// cleanError turns a panic go-cty recovered inside a function (its message
// carries a Go stack trace) into a plain error.
func cleanError(err error) error {
	var pe function.PanicError
	if errors.As(err, &pe) {
		return fmt.Errorf("%v", pe.Value)
	}
	return err
}

// The internal guard functions spliced into expressions. Their names
// cannot be written in HCL (# starts a comment) and are too long to be
// offered as a "did you mean" for a misspelt function.
const guardPrefix = "#runner-evaluation-guard-"

const (
	guardCharge  = guardPrefix + "charge"  // charges the value's size
	guardOperand = guardPrefix + "operand" // an operand of arithmetic or a comparison
	guardIterate = guardPrefix + "iterate" // the collection a for expression or splat walks, charged whole
	guardText    = guardPrefix + "text"    // a part of a template
	guardKey     = guardPrefix + "key"     // an index key
)

// guardFunctions are the guard functions, charging b.
func guardFunctions(b *budget) map[string]function.Function {
	pass := func(check func(v cty.Value) error) function.Function {
		return function.New(&function.Spec{
			Params: []function.Parameter{{
				Name: "value", Type: cty.DynamicPseudoType,
				AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
			}},
			Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				if err := check(args[0]); err != nil {
					return cty.NilVal, err
				}
				return args[0], nil
			},
		})
	}
	return map[string]function.Function{
		guardCharge: pass(func(v cty.Value) error { return b.chargeValue(v, 1) }),
		guardOperand: pass(func(v cty.Value) error {
			if err := checkNumberText(v); err != nil {
				return err
			}
			return b.chargeValue(v, 1)
		}),
		guardIterate: pass(func(v cty.Value) error { return b.chargeValue(v, 1) }),
		guardText: pass(func(v cty.Value) error {
			u, _ := v.Unmark()
			if u.IsKnown() && !u.IsNull() && u.Type() == cty.Number {
				return b.charge(1, 32) // a number in range is at most a few hundred characters
			}
			return b.chargeValue(v, 1)
		}),
		guardKey: pass(func(v cty.Value) error {
			if err := checkNumberText(v); err != nil {
				return err
			}
			return b.chargeValue(v, 1)
		}),
	}
}

// instrumenter splices guards into parsed expressions.
type instrumenter struct {
	ops   map[*hclsyntax.Operation]*hclsyntax.Operation
	diags hcl.Diagnostics
}

// instrument guards e in place (its own node is never replaced, so a
// caller's type switch on it still works) and reports literals out of
// range.
func (in *instrumenter) instrument(e hcl.Expression) hcl.Diagnostics {
	in.diags = nil
	if se, ok := e.(hclsyntax.Expression); ok {
		in.expr(se, false)
	}
	return in.diags
}

func wrap(name string, e hclsyntax.Expression) hclsyntax.Expression {
	rng := e.Range()
	return &hclsyntax.FunctionCallExpr{
		Name:            name,
		Args:            []hclsyntax.Expression{e},
		NameRange:       rng,
		OpenParenRange:  rng,
		CloseParenRange: rng,
	}
}

// expr instruments e and returns what should take its place; loop is set
// inside the body of a for expression or splat, which is evaluated once
// per element.
func (in *instrumenter) expr(e hclsyntax.Expression, loop bool) hclsyntax.Expression {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		in.literal(e.Val, e.SrcRange)
	case *hclsyntax.ScopeTraversalExpr:
		in.traversal(e.Traversal)
	case *hclsyntax.RelativeTraversalExpr:
		e.Source = in.expr(e.Source, loop)
		in.traversal(e.Traversal)
	case *hclsyntax.FunctionCallExpr:
		if strings.HasPrefix(e.Name, guardPrefix) {
			return e
		}
		for i, a := range e.Args {
			e.Args[i] = in.expr(a, loop)
		}
	case *hclsyntax.ConditionalExpr:
		e.Condition = in.expr(e.Condition, loop)
		// Both results are evaluated and converted to one type.
		e.TrueResult = wrap(guardCharge, in.expr(e.TrueResult, loop))
		e.FalseResult = wrap(guardCharge, in.expr(e.FalseResult, loop))
	case *hclsyntax.IndexExpr:
		e.Collection = in.expr(e.Collection, loop)
		e.Key = wrap(guardKey, in.expr(e.Key, loop))
	case *hclsyntax.TupleConsExpr:
		for i, x := range e.Exprs {
			e.Exprs[i] = in.element(x, loop)
		}
		if loop {
			return wrap(guardCharge, e)
		}
	case *hclsyntax.ObjectConsExpr:
		for i := range e.Items {
			item := &e.Items[i]
			if k, ok := item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok {
				// A bare name is a literal key; anything else is an
				// expression whose value becomes the key.
				if _, isTraversal := k.Wrapped.(*hclsyntax.ScopeTraversalExpr); !isTraversal || k.ForceNonLiteral {
					k.Wrapped = in.expr(k.Wrapped, loop)
				}
			} else {
				item.KeyExpr = in.expr(item.KeyExpr, loop)
			}
			item.ValueExpr = in.element(item.ValueExpr, loop)
		}
		if loop {
			return wrap(guardCharge, e)
		}
	case *hclsyntax.ForExpr:
		e.CollExpr = wrap(guardIterate, in.expr(e.CollExpr, loop))
		// What each iteration makes is charged whole: a loop repeating
		// a large value costs as much as the copies it makes.
		if e.KeyExpr != nil {
			e.KeyExpr = wrap(guardCharge, in.expr(e.KeyExpr, true))
		}
		e.ValExpr = wrap(guardCharge, in.expr(e.ValExpr, true))
		if e.CondExpr != nil {
			e.CondExpr = in.expr(e.CondExpr, true)
		}
	case *hclsyntax.SplatExpr:
		e.Source = wrap(guardIterate, in.expr(e.Source, loop))
		e.Each = wrap(guardCharge, in.expr(e.Each, true))
	case *hclsyntax.BinaryOpExpr:
		e.LHS = in.operand(e.Op, in.expr(e.LHS, loop))
		e.RHS = in.operand(e.Op, in.expr(e.RHS, loop))
		e.Op = in.op(e.Op)
	case *hclsyntax.UnaryOpExpr:
		e.Val = in.operand(e.Op, in.expr(e.Val, loop))
		e.Op = in.op(e.Op)
	case *hclsyntax.TemplateExpr:
		for i, p := range e.Parts {
			p = in.expr(p, loop)
			// A literal part outside a loop is text of the source, made
			// once; everything else is charged as it is made.
			if _, literal := p.(*hclsyntax.LiteralValueExpr); !literal || loop {
				p = wrap(guardText, p)
			}
			e.Parts[i] = p
		}
	case *hclsyntax.TemplateJoinExpr:
		e.Tuple = in.expr(e.Tuple, loop)
	case *hclsyntax.TemplateWrapExpr:
		e.Wrapped = wrap(guardText, in.expr(e.Wrapped, loop))
	case *hclsyntax.ParenthesesExpr:
		e.Expression = in.expr(e.Expression, loop)
	}
	return e
}

// element guards an element of a list or object constructor: a value
// built from other values is charged element by element, before it exists
// (a literal is text of the source, and free; a constructor inside a loop
// is charged whole, being built again each time).
func (in *instrumenter) element(e hclsyntax.Expression, loop bool) hclsyntax.Expression {
	e = in.expr(e, loop)
	switch x := e.(type) {
	case *hclsyntax.LiteralValueExpr, *hclsyntax.TupleConsExpr, *hclsyntax.ObjectConsExpr:
		// A constructor's own elements are charged (or literal).
		return e
	case *hclsyntax.TemplateExpr:
		if x.IsStringLiteral() {
			return e
		}
	case *hclsyntax.FunctionCallExpr:
		if strings.HasPrefix(x.Name, guardPrefix) {
			return e
		}
	}
	return wrap(guardCharge, e)
}

// operand guards an operand of op: arithmetic and comparisons convert it
// to a number; equality compares it whole.
func (in *instrumenter) operand(op *hclsyntax.Operation, e hclsyntax.Expression) hclsyntax.Expression {
	params := op.Impl.Params()
	if len(params) > 0 && params[0].Type == cty.Number {
		return wrap(guardOperand, e)
	}
	if op.Type == cty.Bool && len(params) > 0 && params[0].Type == cty.Bool {
		return e // && || !: booleans
	}
	return wrap(guardCharge, e)
}

// op returns op with its result checked: a number out of range is
// refused, and a panic inside go-cty becomes a plain error.
func (in *instrumenter) op(op *hclsyntax.Operation) *hclsyntax.Operation {
	if op == nil || op.Type != cty.Number {
		return op
	}
	if g, ok := in.ops[op]; ok {
		return g
	}
	inner := op.Impl
	impl := function.New(&function.Spec{
		Description: inner.Description(),
		Params:      inner.Params(),
		VarParam:    inner.VarParam(),
		Type:        inner.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := inner.Call(args)
			if err != nil {
				return cty.NilVal, cleanError(err)
			}
			if u, _ := v.Unmark(); u.Type() == cty.Number && u.IsKnown() && !u.IsNull() {
				if u.AsBigFloat().IsInf() {
					return cty.NilVal, &limitError{summaryOutOfRange, "the result is infinite"}
				}
				if err := checkNumber(u); err != nil {
					return cty.NilVal, err
				}
			}
			return v, nil
		},
	})
	g := &hclsyntax.Operation{Impl: impl, Type: op.Type, ShortCircuit: op.ShortCircuit}
	if in.ops == nil {
		in.ops = map[*hclsyntax.Operation]*hclsyntax.Operation{}
	}
	in.ops[op] = g
	in.ops[g] = g
	return g
}

func (in *instrumenter) literal(v cty.Value, rng hcl.Range) {
	if v.Type() == cty.Number {
		if err := checkNumber(v); err != nil {
			in.diags = append(in.diags, limitDiag(err.(*limitError), rng))
		}
	}
}

func (in *instrumenter) traversal(t hcl.Traversal) {
	for _, step := range t {
		if ix, ok := step.(hcl.TraverseIndex); ok {
			in.literal(ix.Key, ix.SrcRange)
			if err := checkNumberText(ix.Key); err != nil {
				in.diags = append(in.diags, limitDiag(err.(*limitError), ix.SrcRange))
			}
		}
	}
}

func limitDiag(e *limitError, rng hcl.Range) *hcl.Diagnostic {
	return errorAt(rng, e.summary, capitalize(e.detail)+".")
}

// rewriteDiags puts the words of a limit into the diagnostics of
// guarded calls: a guard's own failure reads as the limit, not as a call
// of an internal function, and a call of a real function that ran into a
// limit is summarised by it. With constOnly set (an expression evaluated
// without functions, such as a variable's default), a call of any
// function reads as hcl reports it where no functions exist.
func rewriteDiags(ds hcl.Diagnostics, constOnly bool) {
	for _, d := range ds {
		if constOnly && d.Summary == "Call to unknown function" {
			if x, ok := d.Extra.(hclsyntax.FunctionCallUnknownDiagExtra); ok && !strings.HasPrefix(x.CalledFunctionName(), guardPrefix) {
				d.Summary, d.Detail = "Function calls not allowed", "Functions may not be called here."
				if d.Context != nil {
					d.Subject, d.Context = d.Context, nil
				}
				d.Extra = nil
				continue
			}
		}
		x, ok := d.Extra.(hclsyntax.FunctionCallDiagExtra)
		if !ok {
			continue
		}
		var le *limitError
		if !errors.As(x.FunctionCallError(), &le) {
			continue
		}
		d.Summary = le.summary
		if strings.HasPrefix(x.CalledFunctionName(), guardPrefix) {
			d.Detail = capitalize(le.detail) + "."
		}
	}
}
