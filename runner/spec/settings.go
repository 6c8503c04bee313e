package spec

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/scenebench/runner/reporters/output"
	"github.com/scenebench/runner/runner/plan"
)

// Settings defaults, as documented in the spec-language reference.
const (
	DefaultWarmup  = 1
	DefaultRepeat  = 10
	DefaultIsolate = "process"
	DefaultOrder   = plan.OrderInterleaved
	DefaultCache   = "warm"
	DefaultTimeout = 10 * time.Minute
	DefaultDataDir = ".runner/data"
)

const maxRuns = 1000000

// MaxShards bounds settings.shards and -shards: more machines than any
// team schedules, few enough that a typo is caught.
const MaxShards = 10000

func (l *loader) loadSettings() plan.Settings {
	s := plan.Settings{
		Warmup:  DefaultWarmup,
		Repeat:  DefaultRepeat,
		Isolate: DefaultIsolate,
		Order:   DefaultOrder,
		Cache:   DefaultCache,
		Timeout: DefaultTimeout,
		DataDir: DefaultDataDir,
		Out:     filepath.Join("results", strings.TrimSuffix(filepath.Base(l.firstName), ".hcl")),
	}
	sb := onlyOne(l, "settings", func(b *fileBody) []*settingsBlock { return b.Settings },
		func(b *settingsBlock) hcl.Range { return b.DefRange })
	if sb == nil {
		return s
	}
	if sb.Warmup != nil {
		if v, ok := l.integer(sb.Warmup, 0, maxRuns); ok {
			s.Warmup = int(v)
		}
	}
	if sb.Repeat != nil {
		if v, ok := l.integer(sb.Repeat, 1, maxRuns); ok {
			s.Repeat = int(v)
		}
	}
	if sb.Shards != nil {
		if v, ok := l.integer(sb.Shards, 1, MaxShards); ok {
			s.Shards = int(v)
		}
	}
	if sb.Isolate != nil {
		if v, ok := l.oneOf(sb.Isolate, "process", "none"); ok {
			s.Isolate = v
		}
	}
	if sb.Cache != nil {
		if v, ok := l.oneOf(sb.Cache, "warm", "cold"); ok {
			s.Cache = v
		}
	}
	if sb.Order != nil {
		if v, ok := l.oneOf(sb.Order, plan.OrderInterleaved, plan.OrderSequential); ok {
			s.Order = v
		}
	}
	if sb.Timeout != nil {
		if v, ok := l.str(sb.Timeout); ok {
			d, err := time.ParseDuration(v)
			switch {
			case err != nil:
				l.add(errorAt(sb.Timeout.Expr.Range(), "Invalid duration",
					fmt.Sprintf("timeout %q is not a duration such as \"90s\", \"10m\" or \"1h30m\".", v)))
			case d <= 0:
				l.add(errorAt(sb.Timeout.Expr.Range(), "Invalid duration",
					fmt.Sprintf("timeout must be positive, not %q.", v)))
			default:
				s.Timeout = d
			}
		}
	}
	if sb.MemoryLimit != nil {
		s.MemoryLimit = l.settingsMemoryLimit(sb.MemoryLimit)
	}
	if sb.Pin != nil {
		if v, ok := l.boolean(sb.Pin); ok {
			s.Pin = v
			if v && s.Isolate != "process" {
				l.add(errorAt(sb.Pin.Expr.Range(), "Pinning needs processes",
					fmt.Sprintf("pin = true pins each reader process to a CPU; with isolate = %q the Go reader runs inside runner. Use isolate = \"process\" or drop pin.", s.Isolate)))
			}
		}
	}
	for _, p := range []struct {
		attr *hcl.Attribute
		dst  *string
	}{{sb.DataDir, &s.DataDir}, {sb.Out, &s.Out}} {
		if p.attr == nil {
			continue
		}
		if v, ok := l.str(p.attr); ok {
			if strings.TrimSpace(v) == "" {
				l.valueError(p.attr.Expr.Range(), p.attr, "%s must name a directory, not be empty.", p.attr.Name)
				continue
			}
			*p.dst = v
		}
	}
	return s
}

// loadReport fills p.Report, p.Title and p.Description; it runs after the
// formats and scenarios are known so that the baseline and the glance rows
// can be checked.
func (l *loader) loadReport(p *plan.Plan) {
	p.Report.Outputs = output.SpecNames()
	p.Report.Control = true
	if len(p.Formats) > 0 {
		p.Report.Baseline = p.Formats[0].Label
	}
	defer l.checkControlLabel(p)
	rb := onlyOne(l, "report", func(b *fileBody) []*reportBlock { return b.Reports },
		func(b *reportBlock) hcl.Range { return b.DefRange })
	if rb == nil {
		return
	}
	if rb.Control != nil {
		if v, ok := l.boolean(rb.Control); ok {
			p.Report.Control = v
		}
	}
	if rb.Title != nil {
		if v, ok := l.str(rb.Title); ok {
			p.Title = v
		}
	}
	if rb.Description != nil {
		if v, ok := l.str(rb.Description); ok {
			p.Description = v
		}
	}
	if rb.Outputs != nil {
		outs, ranges, ok := l.stringList(rb.Outputs)
		if ok {
			for i, o := range outs {
				if _, ok := l.checkOneOf(rb.Outputs, ranges[i], o, output.SpecNames()); !ok {
					outs = nil
					break
				}
			}
			if outs != nil {
				p.Report.Outputs = outs
			}
		}
	}
	p.Report.Glance = l.loadGlance(rb, p.Scenarios)
	if rb.Baseline != nil {
		v, ok := l.str(rb.Baseline)
		if !ok {
			return
		}
		labels := make([]string, len(p.Formats))
		for i, f := range p.Formats {
			labels[i] = f.Label
			if f.Label == v {
				p.Report.Baseline = v
				return
			}
		}
		if l.formatErrors {
			// The variant may be missing because its block had errors.
			return
		}
		l.add(errorAt(rb.Baseline.Expr.Range(), "Unknown baseline",
			fmt.Sprintf("The baseline %q names no format variant; the variants are %s.%s", v, quoteAll(labels), suggest(v, labels))))
	}
}

// onlyOne returns the first block of a kind that may appear once in all
// the spec files (nil when there is none), reporting every further one.
func onlyOne[B any](l *loader, kind string, blocks func(*fileBody) []*B, rng func(*B) hcl.Range) *B {
	var first *B
	for _, body := range l.bodies {
		for _, b := range blocks(body) {
			if first != nil {
				l.add(errorAt(rng(b), "Duplicate "+kind+" block",
					fmt.Sprintf("Only one %s block is allowed; the first is at %s.", kind, rng(first))))
				continue
			}
			first = b
		}
	}
	return first
}

// checkControlLabel reports a variant whose label the baseline's A/A
// control copy would take.
func (l *loader) checkControlLabel(p *plan.Plan) {
	if !p.Report.Control || len(p.Formats) < 2 {
		return
	}
	label := plan.ControlLabel(p.Report.Baseline)
	for _, v := range p.Formats {
		if v.Label == label {
			l.add(errorAt(startOf(l.firstName), "Control label taken",
				fmt.Sprintf("The A/A control copy of the baseline is labelled %q, which a format variant already is; rename that variant or set report { control = false }.", label)))
		}
	}
}
