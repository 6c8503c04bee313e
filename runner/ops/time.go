package ops

import (
	"errors"
	"fmt"
	"math"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
)

// TimeAll is the time of a step that reads every time sample.
const TimeAll = "all"

// timeAttr is the time attribute of get and traverse: absent, they read
// default values; a number reads values at that time, resolved as OpenUSD
// resolves them (formats.TimeReader); "all" reads every time sample of
// each (prim, property). A list sweeps the scenario.
func timeAttr() Attr {
	return Attr{Decl: param.Decl{Name: "time", Kind: param.Float, Words: []string{TimeAll}, LabelPrefix: "time",
		Doc: `read values at this time (held or linearly interpolated as OpenUSD does), or "all" time samples; absent: default values`},
		Sweep: true}
}

// SampleCounter is implemented by scenes that know how many time samples
// each property has (0 for one that is not animated).
type SampleCounter interface {
	SampleCount(property string) int
}

// atTime is what a step's time asks: every sample, or the values at t.
type atTime struct {
	all bool
	t   float64
}

// timeOf reads a request's (or step's) time; nil when it reads default
// values.
func timeOf(params param.Values) (*atTime, error) {
	switch v := params["time"].(type) {
	case nil:
		return nil, nil
	case string:
		if v == TimeAll {
			return &atTime{all: true}, nil
		}
		return nil, fmt.Errorf("time %q: a number or %q", v, TimeAll)
	case float64, int64, uint64:
		t := params.Float("time")
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("time %v: not a finite time", t)
		}
		return &atTime{t: t}, nil
	default:
		return nil, fmt.Errorf("time %v: a number or %q", v, TimeAll)
	}
}

// timeNeeds says a step reads at a time.
func timeNeeds(s *Step) bool { _, ok := s.Args["time"]; return ok }

// valuesAt bounds the values a step reading props at time a digests per
// prim: one per property, or with "all" one per time sample (or the
// default of a property without samples).
func valuesAt(a *atTime, props []string, t *Target) int64 {
	if a == nil || !a.all {
		return int64(len(props))
	}
	sc, ok := t.Scene.(SampleCounter)
	var n int64
	for _, p := range props {
		c := formats.MaxSamples
		if ok {
			c = sc.SampleCount(p)
		}
		n += int64(max(c, 1))
	}
	return n
}

// read reads property q of prim p at a's time through tr, calling emit
// (when not nil) once per value read: with the time it was read at and
// timed true, or, for the default of a property without samples under
// "all", timed false. A value emitted lives until the next read. A pair
// without a value (formats.ErrNoValue) emits nothing.
func (a *atTime) read(tr *formats.TimeReader, p formats.PrimHandle, q formats.PropertyHandle, v *formats.Value,
	emit func(at float64, timed bool, v *formats.Value)) error {
	if !a.all {
		err := tr.GetAt(p, q, a.t, v)
		if err == nil && emit != nil {
			emit(a.t, true, v)
		}
		return skipNoValue(err)
	}
	times, err := tr.Times(p, q)
	if err != nil {
		return skipNoValue(err)
	}
	if len(times) == 0 {
		err := tr.GetAt(p, q, 0, v)
		if err == nil && emit != nil {
			emit(0, false, v)
		}
		return skipNoValue(err)
	}
	for k, at := range times {
		err := tr.Sample(p, q, k, v)
		if err == nil && emit != nil {
			emit(at, true, v)
		}
		if err := skipNoValue(err); err != nil {
			return fmt.Errorf("sample %d (time %v): %w", k, at, err)
		}
	}
	return nil
}

// skipNoValue drops formats.ErrNoValue: a pair without a value is skipped.
func skipNoValue(err error) error {
	if errors.Is(err, formats.ErrNoValue) {
		return nil
	}
	return err
}

// digestAt adds one value read at a time to dg.
func digestAt(dg *formats.Digest, path, property string, at float64, timed bool, v *formats.Value) {
	if timed {
		dg.AddAt(path, property, at, v)
	} else {
		dg.Add(path, property, v)
	}
}
