package exec

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scenebench/runner/drivers"
	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/protocol"
)

// reader is who reads a variant's files: the Go reader, or a driver with
// the command that starts it and what its hello said it can do.
type reader struct {
	name    string
	command driver.Command // for drivers
	options map[string]string
	caps    *protocol.Capabilities
	version string
	// err says why the reader cannot be used at all; stderr is its tail.
	err    error
	stderr string
}

// probeTimeout bounds how long a driver may take to say hello when runner
// first asks what it can do.
const probeTimeout = 2 * time.Minute

// goCapabilities are the Go reader's, known without starting it.
func goCapabilities() *protocol.Capabilities {
	return &protocol.Capabilities{Formats: formats.Names(), Ops: ops.Names(), Threads: true, ThreadOps: ops.ThreadOps(), Time: true}
}

// Command returns how to start the named driver: a shipped one, or one the
// plan declares (a program of its own, or a shipped one with other
// environment and options).
func Command(p *plan.Plan, name string) (driver.Command, map[string]string, error) {
	var decl *plan.Driver
	for i := range p.Drivers {
		if p.Drivers[i].Name == name {
			decl = &p.Drivers[i]
		}
	}
	base := name
	if decl != nil {
		base = decl.Uses
	}
	cmd := driver.Command{Name: name}
	if base != "" {
		s, ok := drivers.Lookup(base)
		if !ok {
			return cmd, nil, fmt.Errorf("no driver named %q (the shipped drivers are %v)", base, drivers.Names())
		}
		launcher, err := s.Command()
		if err != nil {
			return cmd, nil, err
		}
		cmd.Argv = []string{launcher}
	}
	if decl == nil {
		return cmd, nil, nil
	}
	if len(decl.Command) > 0 {
		cmd.Argv = decl.Command
	}
	for _, k := range slices.Sorted(maps.Keys(decl.Env)) {
		cmd.Env = append(cmd.Env, k+"="+decl.Env[k])
	}
	return cmd, decl.Options, nil
}

// readers resolves and asks every reader the selected cells use what it
// can do: a driver is started once for its hello and stopped.
func (e *executor) readers(ctx context.Context) map[string]*reader {
	out := map[string]*reader{}
	for i := range e.p.Cells {
		name := e.p.Cells[i].Format.ReaderName()
		if out[name] != nil {
			continue
		}
		r := &reader{name: name}
		out[name] = r
		if name == plan.GoReader {
			r.caps = goCapabilities()
			continue
		}
		r.command, r.options, r.err = Command(e.p, name)
		if r.err != nil {
			continue
		}
		e.prog.line("driver  %s ...", name)
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		s, err := driver.Start(pctx, r.command)
		cancel()
		if err != nil {
			r.err = err
			if s != nil {
				r.stderr = s.Stderr()
			}
			continue
		}
		r.caps, r.version = s.Hello().Capabilities, s.Hello().Version
		r.stderr = s.Stderr()
		s.Kill()
		if r.caps == nil {
			r.err = fmt.Errorf("driver %s: hello declares no capabilities", name)
		} else if err := checkOptions(name, r.options, r.caps.Options); err != nil {
			r.err = err
		}
	}
	return out
}

// checkOptions checks the options a spec gives a driver against those its
// hello accepts.
func checkOptions(name string, given map[string]string, accepted map[string][]string) error {
	for _, k := range slices.Sorted(maps.Keys(given)) {
		allowed, ok := accepted[k]
		if !ok {
			names := slices.Sorted(maps.Keys(accepted))
			return fmt.Errorf("driver %s has no option %q (it accepts %s)", name, k, orNone(names))
		}
		if len(allowed) > 0 && !slices.Contains(allowed, given[k]) {
			return fmt.Errorf("driver %s: option %s = %q is not one of %s", name, k, given[k], strings.Join(allowed, ", "))
		}
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// skipReason says why r cannot run cell c ("" when it can): a format, op,
// composition or parallel read it does not offer. Such cells are skipped,
// not failed: the reader was never meant to do that.
func skipReason(r *reader, c *plan.Cell) string {
	who := "driver " + r.name
	if r.name == plan.GoReader {
		who = "the go reader"
	}
	caps := r.caps
	if !slices.Contains(caps.Formats, c.Format.Format) {
		return fmt.Sprintf("%s does not read format %s", who, c.Format.Format)
	}
	var missing []string
	for i := range c.Scenario.Steps {
		s := &c.Scenario.Steps[i]
		if !slices.Contains(caps.Ops, s.Op) && !slices.Contains(missing, s.Op) {
			missing = append(missing, s.Op)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Sprintf("%s does not support the %s step", who, strings.Join(missing, " and "))
	}
	for i := range c.Scenario.Steps {
		s := &c.Scenario.Steps[i]
		n := ops.StepNeeds(s)
		if n.Compose != "" && !slices.Contains(caps.Compose, n.Compose) {
			return fmt.Sprintf("%s does not compose (step %s: compose = %q)", who, s.Name, n.Compose)
		}
		if n.Threads && !caps.ThreadsFor(s.Op) {
			if caps.Threads {
				return fmt.Sprintf("%s runs no %s step on several threads (step %s: threads = %d)", who, s.Op, s.Name, s.Args.Int("threads"))
			}
			return fmt.Sprintf("%s reads on one thread (step %s: threads = %d)", who, s.Name, s.Args.Int("threads"))
		}
		if n.Time && !caps.Time {
			return fmt.Sprintf("%s reads no values at a time (step %s: time = %v)", who, s.Name, s.Args["time"])
		}
	}
	return ""
}

// SkipFor says why a reader named name with capabilities caps would skip
// cell c ("" when it would run it), before anything runs.
func SkipFor(name string, caps *protocol.Capabilities, c *plan.Cell) string {
	return skipReason(&reader{name: name, caps: caps}, c)
}

// PlanSkip says why a cell will be skipped when the plan alone tells: a
// cell of the Go reader that needs what it cannot do. Drivers' limits are
// known only once they are asked (apply).
func PlanSkip(c *plan.Cell) string {
	if c.Format.ReaderName() != plan.GoReader {
		return ""
	}
	return skipReason(&reader{name: plan.GoReader, caps: goCapabilities()}, c)
}
