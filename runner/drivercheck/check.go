// Package drivercheck is the conformance suite a driver author runs first
// (`runner driver check`): it asks the driver what it can do, reads
// generated files of every value type and both hierarchies through it and
// through the Go reader with the same steps — point reads cold and warm,
// traversals in every order with probes, parallel reads, reopens, a
// composed open — and requires every digest to agree; then it sends the
// driver requests that must fail (a missing file, prim or property, an
// unknown op, a malformed step) and requires clean error answers.
package drivercheck

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/spec"
)

//go:embed suite.hcl.tmpl
var suiteText string

var suite = template.Must(template.New("suite").Parse(suiteText))

// Options say which driver to check and how.
type Options struct {
	// Name is a shipped driver; otherwise Command starts the driver.
	Name    string
	Command []string
	// Env is added to the driver's environment; Options are its driver
	// options (sent with every open).
	Env     map[string]string
	Options map[string]string
	// Formats limits the formats checked (default: every format both the
	// driver and runner read).
	Formats []string
	// DataDir caches the generated files; Out receives the runs' results.
	DataDir, Out string
	// Timeout bounds each cell.
	Timeout time.Duration
	// Quick checks fewer variants: Parquet in two codecs (none, zstd)
	// rather than six, the crate in one version.
	Quick bool
	// Progress receives progress lines.
	Progress io.Writer
}

// Status of one check.
const (
	Pass = "PASS"
	Fail = "FAIL"
	Skip = "SKIP"
)

// Check is one line of the report.
type Check struct {
	Status, Name, Detail string
}

// Report is the outcome of a check run.
type Report struct {
	Driver, Version string
	Caps            *protocol.Capabilities
	Checks          []Check
}

// Failed counts the failed checks.
func (r *Report) Failed() int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == Fail {
			n++
		}
	}
	return n
}

func (r *Report) add(status, name, detail string) {
	r.Checks = append(r.Checks, Check{status, name, detail})
}

// Run checks the driver. An error means the check itself could not run
// (no data directory, an interrupted run); a driver's faults are failed
// checks in the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	r := &Report{Driver: o.Name}
	cmd, err := o.command()
	if err != nil {
		r.add(Fail, "start", err.Error())
		return r, nil
	}
	if !r.hello(ctx, cmd, o) {
		return r, nil
	}
	fmts := o.Formats
	if len(fmts) == 0 {
		for _, f := range r.Caps.Formats {
			if _, ok := formats.Lookup(f); ok {
				fmts = append(fmts, f)
			}
		}
	}
	if len(fmts) == 0 {
		r.add(Fail, "formats", fmt.Sprintf("the driver reads %v, none of which runner can write", r.Caps.Formats))
		return r, nil
	}
	var files []results.DataFile
	for _, ds := range datasets {
		f, err := r.conformance(ctx, o, ds.name, ds.block, ds.all, ds.one, fmts)
		if err != nil {
			return r, err
		}
		files = append(files, f...)
	}
	r.robustness(ctx, cmd, files)
	return r, nil
}

// command is how to start the driver under check.
func (o Options) command() (driver.Command, error) {
	p := &plan.Plan{}
	name := o.Name
	if name == "" {
		name = "candidate"
		p.Drivers = []plan.Driver{{Name: name, Command: o.Command}}
	}
	cmd, _, err := exec.Command(p, name)
	if err != nil {
		return cmd, err
	}
	for _, k := range slices.Sorted(maps.Keys(o.Env)) {
		cmd.Env = append(cmd.Env, k+"="+o.Env[k])
	}
	return cmd, nil
}

// hello starts the driver once and checks what it says of itself.
func (r *Report) hello(ctx context.Context, cmd driver.Command, o Options) bool {
	hctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	s, err := driver.Start(hctx, cmd)
	if err != nil {
		detail := err.Error()
		if s != nil && s.Stderr() != "" {
			detail += "\n" + indent(s.Stderr())
		}
		r.add(Fail, "hello", detail)
		return false
	}
	defer s.Kill()
	h := s.Hello()
	r.Driver, r.Version, r.Caps = h.Driver, h.Version, h.Capabilities
	if err := protocol.CheckHello(h, "", nil); err != nil {
		r.add(Fail, "hello", err.Error())
		return false
	}
	for _, op := range []string{"open", "get", "traverse"} {
		if !slices.Contains(h.Capabilities.Ops, op) {
			r.add(Fail, "hello", fmt.Sprintf("does not support the %s step; every driver needs open, get and traverse", op))
			return false
		}
	}
	for _, k := range slices.Sorted(maps.Keys(o.Options)) {
		allowed, ok := h.Capabilities.Options[k]
		if !ok || (len(allowed) > 0 && !slices.Contains(allowed, o.Options[k])) {
			r.add(Fail, "hello", fmt.Sprintf("option %s = %q is not among the options it accepts (%v)", k, o.Options[k], h.Capabilities.Options))
			return false
		}
	}
	c := h.Capabilities
	r.add(Pass, "hello", fmt.Sprintf("%s %s, protocol %d; reads %s; ops %s; threads %v; compose %v; start-up %v",
		h.Driver, h.Version, h.Protocol, strings.Join(c.Formats, ", "), strings.Join(c.Ops, ", "), c.Threads, c.Compose,
		s.Startup().Round(time.Millisecond)))
	return true
}

// variant is a format block of the suite.
type variant struct {
	Label, Format string
	Options       []string
}

// variants are the format blocks checked for the given formats: Parquet
// in every codec with both indexes, the crate in its oldest and newest
// written versions (fewer when quick).
func variants(fmts []string, quick bool) []variant {
	var out []variant
	for _, f := range fmts {
		v := variant{Label: f, Format: f}
		switch {
		case f == "parquet" && quick:
			v.Options = []string{`compression = ["none", "zstd"]`, `index = ["eager", "lazy"]`}
		case f == "parquet":
			v.Options = []string{`compression = ["none", "snappy", "zstd", "gzip", "brotli", "lz4"]`, `index = ["eager", "lazy"]`}
		case f == "usdc" && !quick:
			v.Options = []string{`version = ["0.8.0", "0.10.0"]`}
		}
		out = append(out, v)
	}
	return out
}

// conformance runs the suite on one dataset and turns every candidate
// cell into a check. It returns the data files it read.
func (r *Report) conformance(ctx context.Context, o Options, name, block string, all []string, one string, fmts []string) ([]results.DataFile, error) {
	var src bytes.Buffer
	data := map[string]any{
		"Timeout": o.Timeout.String(), "DataDir": o.DataDir, "Dataset": block,
		"Uses": o.Name, "Command": hclList(o.Command), "Env": hclMap(o.Env), "Options": hclMap(o.Options),
		"Formats": variants(fmts, o.Quick), "AllProps": hclList(all), "OneProp": one,
	}
	if err := suite.Execute(&src, data); err != nil {
		return nil, err
	}
	p, diags := spec.LoadSources([]spec.Source{{Name: "driver-check-" + name + ".hcl", Bytes: src.Bytes()}}, spec.Options{})
	if diags.HasErrors() {
		return nil, fmt.Errorf("the check's own spec is invalid:\n%s", diags)
	}
	out := o.Out
	if out == "" {
		dir, err := os.MkdirTemp("", "runner-driver-check-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		out = dir
	}
	r.dropSkipped(p)
	res, err := exec.Run(ctx, p, exec.Options{Out: out + "/" + name, Progress: o.Progress})
	if err != nil {
		return nil, err
	}
	goCells := map[string]*results.Cell{}
	for i := range res.Cells {
		if c := &res.Cells[i]; c.Reader != "candidate" {
			goCells[c.ID] = c
		}
	}
	for _, c := range res.Cells {
		if c.Reader != "candidate" {
			if c.Status != results.StatusOK && c.Status != results.StatusSkipped {
				r.add(Fail, c.ID, "the Go reader failed, so this cell proves nothing: "+c.Error)
			}
			continue
		}
		id := strings.Replace(c.ID, "-candidate/", "/", 1)
		switch c.Status {
		case results.StatusOK:
			if c.Scenario == "composed" {
				// Nothing else composes: compare with the Go reader's
				// plain reads of the same steps.
				yard := goCells[strings.TrimSuffix(id, "/composed")+"/plain"]
				if msg := sameDigests(&c, yard); msg != "" {
					r.add(Fail, id, msg)
					continue
				}
			}
			r.add(Pass, id, fmt.Sprintf("%d steps, digests equal to the Go reader's", len(c.Steps)))
		case results.StatusSkipped:
			r.add(Skip, id, c.Error)
		default:
			detail := c.Status + ": " + c.Error
			if c.Stderr != "" {
				detail += "\n" + indent(c.Stderr)
			}
			r.add(Fail, id, detail)
		}
	}
	var files []results.DataFile
	for _, d := range res.Datasets {
		files = append(files, d.Files...)
	}
	return files, nil
}

// dropSkipped takes out of p the cells the candidate would skip, as its
// hello tells, with the Go reader's cells beside them, which would prove
// nothing: each is a skipped check at once, without running the Go
// reader's side.
func (r *Report) dropSkipped(p *plan.Plan) {
	skip := map[string]string{} // the Go reader's cell id -> why
	for i := range p.Cells {
		c := &p.Cells[i]
		if c.Format.Reader == "candidate" {
			if why := exec.SkipFor("candidate", r.Caps, c); why != "" {
				skip[strings.Replace(c.ID, "-candidate/", "/", 1)] = why
			}
		}
	}
	kept := p.Cells[:0]
	for _, c := range p.Cells {
		id := strings.Replace(c.ID, "-candidate/", "/", 1)
		if why, ok := skip[id]; ok {
			if c.Format.Reader == "candidate" {
				r.add(Skip, id, why)
			}
			continue
		}
		kept = append(kept, c)
	}
	p.Cells = kept
}

// robustness sends requests that must fail and checks that the driver
// answers each with an error and goes on serving.
func (r *Report) robustness(ctx context.Context, cmd driver.Command, files []results.DataFile) {
	var file results.DataFile
	for _, f := range files {
		if slices.Contains(r.Caps.Formats, formatOf(f)) {
			file = f
			break
		}
	}
	if file.Path == "" {
		r.add(Skip, "errors", "no data file in a format the driver reads")
		return
	}
	abs := func(p string) string {
		if !strings.HasPrefix(p, "/") {
			wd, _ := os.Getwd()
			return wd + "/" + p
		}
		return p
	}
	// A reader is given a variant's complete options: the format's
	// defaults here.
	opts := param.Values{}
	if f, ok := formats.Lookup(formatOf(file)); ok {
		opts, _ = formats.Normalize(f, nil)
	}
	open := &protocol.Step{Op: "open", Name: "open", Params: param.Values{"path": abs(file.Path), "format": formatOf(file), "options": opts}}
	get := func(name, prim, prop string) *protocol.Step {
		return &protocol.Step{Op: "get", Name: name, Params: param.Values{"prim": prim, "properties": []string{prop}, "times": int64(1), "cold": true}}
	}
	cases := []struct {
		name  string
		steps []*protocol.Step // the last must fail
		want  string           // in the message
	}{
		{"missing file", []*protocol.Step{{Op: "open", Name: "open", Params: param.Values{"path": "/nonexistent/scene." + formatOf(file), "format": formatOf(file), "options": opts}}}, "/nonexistent/scene"},
		{"unknown op", []*protocol.Step{{Op: "fly", Name: "fly", Params: param.Values{}}}, ""},
		{"get before open", []*protocol.Step{get("get", "/World/Prim_0", "d")}, ""},
		{"missing prim", []*protocol.Step{open, get("get", "/World/No_Such_Prim", "d")}, "No_Such_Prim"},
		{"missing property", []*protocol.Step{open, get("get", firstPrim(file), "no_such_property")}, "no_such_property"},
		{"malformed get", []*protocol.Step{open, {Op: "get", Name: "get", Params: param.Values{"times": int64(1)}}}, ""},
	}
	for _, c := range cases {
		r.add(errorCase(ctx, cmd, c.steps, c.want))
		r.Checks[len(r.Checks)-1].Name = "errors/" + c.name
	}
}

// errorCase runs steps on a fresh driver process: all but the last must
// succeed, the last must be answered with an error containing want, and
// the driver must then still close cleanly.
func errorCase(ctx context.Context, cmd driver.Command, steps []*protocol.Step, want string) (string, string, string) {
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	s, err := driver.Start(cctx, cmd)
	if err != nil {
		return Fail, "", err.Error()
	}
	defer s.Kill()
	for i, st := range steps {
		_, err := s.Step(cctx, st, protocol.Expect{Ops: 1})
		last := i == len(steps)-1
		var se *driver.StepError
		switch {
		case !last && err != nil:
			return Fail, "", fmt.Sprintf("step %s failed: %v", st.Name, err)
		case !last:
			continue
		case err == nil:
			return Fail, "", fmt.Sprintf("step %s succeeded; expected an error answer", st.Name)
		case !errors.As(err, &se):
			return Fail, "", fmt.Sprintf("expected an error answer, got: %v%s", err, stderrNote(s))
		case want != "" && !strings.Contains(se.Msg, want):
			return Fail, "", fmt.Sprintf("the error %q does not name %q", se.Msg, want)
		}
		if err := s.Close(cctx); err != nil {
			return Fail, "", fmt.Sprintf("answered %q, then did not close cleanly: %v%s", se.Msg, err, stderrNote(s))
		}
		return Pass, "", fmt.Sprintf("error: %s", se.Msg)
	}
	return Fail, "", "no steps"
}

func stderrNote(s *driver.Session) string {
	if e := s.Stderr(); e != "" {
		return "\n" + indent(e)
	}
	return ""
}

// formatOf is the format of a suite data file (its variant label starts
// with the format's name).
func formatOf(f results.DataFile) string {
	name, _, _ := strings.Cut(f.Format, "-")
	return name
}

// firstPrim is the first prim of the suite's dataset a file holds.
func firstPrim(f results.DataFile) string {
	if strings.Contains(f.Path, "-deep-") {
		return "/World/Zone_0/Level_0/Room_0/Component_0"
	}
	return "/World/Prim_0"
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n    ")
}

func hclList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func hclMap(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, strconv.Quote(k)+" = "+strconv.Quote(m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// sameDigests compares the digests of c's steps with the steps of the
// same names in yard, returning what differs ("" when all agree).
func sameDigests(c, yard *results.Cell) string {
	if yard == nil || yard.Status != results.StatusOK {
		return "no plain run of the Go reader to compare the composed reads with"
	}
	for _, s := range c.Steps {
		if s.Digest == "" {
			continue
		}
		for _, y := range yard.Steps {
			if y.Name == s.Name && y.Digest != s.Digest {
				return fmt.Sprintf("mismatch: step %s read digest %s (%d values) through composition; the Go reader read %s (%d values) from the file alone",
					s.Name, s.Digest, s.Values, y.Digest, y.Values)
			}
		}
	}
	return ""
}
