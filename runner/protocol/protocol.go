// Package protocol defines the messages runner exchanges with a reader
// process — its own Go worker or any other driver — and checks a driver's
// answers against the requests they answer. The contract, version 1, is
// documented for driver authors in drivers/PROTOCOL.md; this package is its
// Go form, and the two change together.
//
// In short: JSON lines over the driver's stdin and stdout. The driver says
// hello with its capabilities; runner sends one step at a time; the driver
// prepares it and says ready; runner probes the driver's memory and I/O
// from outside (/proc/PID) and says go; the driver runs the step under its
// own monotonic clock, pausing at traversal probe points, says measured;
// runner probes again and says go; the driver digests what it read and
// sends the result. Memory, I/O and page faults are never the driver's to
// measure.
package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/scenebench/runner/internal/param"
)

// Version is the protocol version this runner speaks.
const Version = 1

// MaxLine is the longest line runner accepts from a driver, in bytes. A
// longer line fails the run: answers are small, so a longer line is a
// driver printing something else.
const MaxLine = 1 << 20

// Message types. Runner sends Step, Go and Close; a driver sends Hello,
// Ready, Probe, Measured, Result, Error and Closed.
const (
	TypeHello    = "hello"
	TypeStep     = "step"
	TypeReady    = "ready"
	TypeGo       = "go"
	TypeProbe    = "probe"
	TypeMeasured = "measured"
	TypeResult   = "result"
	TypeError    = "error"
	TypeClose    = "close"
	TypeClosed   = "closed"
)

// Request is a line runner sends a driver.
type Request struct {
	Type string `json:"type"`
	// Step is set for TypeStep.
	Step *Step `json:"step,omitempty"`
}

// Step asks for one step. On the wire its fields are flat: "op", "name"
// and the op's parameters side by side (drivers/PROTOCOL.md lists them per
// op).
type Step struct {
	Op     string
	Name   string
	Params param.Values
}

// MarshalJSON writes op, name and the parameters as one object.
func (s Step) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(s.Params)+2)
	maps.Copy(m, s.Params)
	m["op"], m["name"] = s.Op, s.Name
	return json.Marshal(m)
}

// UnmarshalJSON reads the flat object MarshalJSON writes.
func (s *Step) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, k := range []string{"op", "name"} {
		v, ok := raw[k]
		if !ok {
			return fmt.Errorf("step has no %q", k)
		}
		var str string
		if err := json.Unmarshal(v, &str); err != nil {
			return fmt.Errorf("step %q: %w", k, err)
		}
		if k == "op" {
			s.Op = str
		} else {
			s.Name = str
		}
		delete(raw, k)
	}
	rest, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	s.Params = nil
	return json.Unmarshal(rest, &s.Params)
}

// Response is a line a driver sends. Which fields are meaningful depends
// on Type.
type Response struct {
	Type string `json:"type"`

	// Hello.
	Protocol     int           `json:"protocol,omitempty"`
	Driver       string        `json:"driver,omitempty"`
	Version      string        `json:"version,omitempty"`
	Capabilities *Capabilities `json:"capabilities,omitempty"`

	// Ready, Probe, Measured, Result and Error name the step.
	Step string `json:"step,omitempty"`

	// Probe: prims read so far, and the step's time so far without the
	// pauses at earlier probes.
	Prims     int     `json:"prims,omitempty"`
	ElapsedNS float64 `json:"elapsed_ns,omitempty"`

	// Result: NS is the time of one operation in nanoseconds, Ops how
	// many operations the timing covered (so NS*Ops is the step's time),
	// Batched whether the driver batched a short read, Digest the XXH64
	// digest of the values read (16 lowercase hex digits; absent for
	// steps that read nothing) and Values how many values it covers.
	NS      float64 `json:"ns,omitempty"`
	Ops     int64   `json:"ops,omitempty"`
	Batched bool    `json:"batched,omitempty"`
	Digest  string  `json:"digest,omitempty"`
	Values  int64   `json:"values,omitempty"`
	// Extra carries figures only the driver can know, by name
	// ("go_heap_bytes").
	Extra map[string]float64 `json:"extra,omitempty"`
	// Parts time the kinds of work a step mixes (a mix step's traversals
	// and point reads), each within the step's own timing.
	Parts []Part `json:"parts,omitempty"`

	// Error.
	Message string `json:"message,omitempty"`
}

// Part is the time of one kind of work within a step: NS per operation
// over Ops operations, so NS*Ops is the time the step spent on it.
type Part struct {
	Name string  `json:"name"`
	NS   float64 `json:"ns"`
	Ops  int64   `json:"ops"`
}

// Capabilities are what a driver can do, as its hello declares them.
type Capabilities struct {
	// Formats are the format names it reads ("usdc").
	Formats []string `json:"formats"`
	// Ops are the step ops it answers ("open", "get", "traverse").
	Ops []string `json:"ops"`
	// Threads says the driver runs threads > 1 on parallel threads.
	Threads bool `json:"threads,omitempty"`
	// ThreadOps lists the ops whose threads > 1 it runs on parallel
	// threads. Absent, a driver with Threads does so for traverse only,
	// what Threads meant before other ops took threads.
	ThreadOps []string `json:"thread_ops,omitempty"`
	// Time says its get and traverse read values at a time (the request's
	// "time": a number, or "all" for every sample), resolved as OpenUSD
	// resolves them.
	Time bool `json:"time,omitempty"`
	// Compose lists the composition modes its open accepts
	// ("sublayer"); empty means none.
	Compose []string `json:"compose,omitempty"`
	// Options are the driver options it accepts, each with its allowed
	// values ({"api": ["sdf", "usd"]}).
	Options map[string][]string `json:"options,omitempty"`
}

// ThreadsFor reports whether the driver runs op's threads > 1 on
// parallel threads.
func (c *Capabilities) ThreadsFor(op string) bool {
	if c == nil || !c.Threads {
		return false
	}
	if len(c.ThreadOps) == 0 {
		return op == "traverse"
	}
	return slices.Contains(c.ThreadOps, op)
}

// Decode parses one line from a driver. It refuses anything that is not a
// JSON object with a known type, naming what it got.
func Decode(line []byte) (*Response, error) {
	line = bytes.TrimSpace(line)
	var r Response
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("not a protocol message: %q", clip(line, 120))
	}
	switch r.Type {
	case TypeHello, TypeReady, TypeProbe, TypeMeasured, TypeResult, TypeError, TypeClosed:
		return &r, nil
	case "":
		return nil, fmt.Errorf("message without a type: %q", clip(line, 120))
	}
	return nil, fmt.Errorf("unknown message type %q", r.Type)
}

func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "..."
}

// CheckHello validates a driver's hello: the protocol version, a name, and
// that it supports the format and ops a run needs.
func CheckHello(h *Response, format string, ops []string) error {
	if h.Type != TypeHello {
		return fmt.Errorf("first message is %q, not hello", h.Type)
	}
	if h.Protocol != Version {
		return fmt.Errorf("speaks protocol %d; this runner speaks protocol %d", h.Protocol, Version)
	}
	if h.Driver == "" {
		return fmt.Errorf("hello gives no driver name")
	}
	c := h.Capabilities
	if c == nil {
		return fmt.Errorf("hello declares no capabilities")
	}
	if format != "" && !slices.Contains(c.Formats, format) {
		return fmt.Errorf("does not read format %q (it reads %v)", format, c.Formats)
	}
	for _, op := range ops {
		if !slices.Contains(c.Ops, op) {
			return fmt.Errorf("does not support op %q (it supports %v)", op, c.Ops)
		}
	}
	return nil
}

// Expect describes what a correct result for a step looks like, for
// CheckResult.
type Expect struct {
	// Digest says the step reads values, so the result must carry a
	// well-formed digest; otherwise it must carry none.
	Digest bool
	// MaxValues bounds Values (0 = no values).
	MaxValues int64
	// Ops is the exact operation count when known (open, traverse: 1; a
	// get given a batch size: that size); 0 means at least MinOps.
	Ops, MinOps int64
	// WallNS is the time runner measured between its go and the
	// driver's measured; the driver's NS*Ops cannot exceed it by more
	// than clock granularity.
	WallNS float64
	// Parts names the parts the result must time, each with its exact
	// operation count (nil: the step has no parts, and any sent are
	// ignored).
	Parts map[string]int64
}

// wallSlackNS is how far a driver's own timing may exceed the wall time
// runner measured around it (clock reads on two sides of a pipe).
const wallSlackNS = 1e6

// CheckResult validates a result against its step: the step's name, a
// plausible time, the operation count, and the digest and value count.
func CheckResult(step *Step, r *Response, want Expect) error {
	if r.Type != TypeResult {
		return fmt.Errorf("step %s: expected a result, got %q", step.Name, r.Type)
	}
	if r.Step != step.Name {
		return fmt.Errorf("step %s: the result names step %q", step.Name, r.Step)
	}
	switch {
	case r.Ops < 1:
		return fmt.Errorf("step %s: ops %d (at least 1)", step.Name, r.Ops)
	case want.Ops > 0 && r.Ops != want.Ops:
		return fmt.Errorf("step %s: ops %d, expected %d", step.Name, r.Ops, want.Ops)
	case r.Ops < want.MinOps:
		return fmt.Errorf("step %s: ops %d, expected at least %d", step.Name, r.Ops, want.MinOps)
	case !(r.NS >= 0) || r.NS > 1e18:
		return fmt.Errorf("step %s: ns %v is not a duration", step.Name, r.NS)
	case want.WallNS > 0 && r.NS*float64(r.Ops) > want.WallNS+wallSlackNS:
		return fmt.Errorf("step %s: reports %.0f ns x %d ops, more than the %.0f ns that passed", step.Name, r.NS, r.Ops, want.WallNS)
	}
	if err := checkParts(step, r, want); err != nil {
		return err
	}
	if !want.Digest {
		if r.Digest != "" {
			return fmt.Errorf("step %s: a digest for a step that reads nothing", step.Name)
		}
		return nil
	}
	if !ValidDigest(r.Digest) {
		return fmt.Errorf("step %s: digest %q is not 16 lowercase hex digits", step.Name, clip([]byte(r.Digest), 40))
	}
	if r.Values < 0 || r.Values > want.MaxValues {
		return fmt.Errorf("step %s: %d values read, expected at most %d", step.Name, r.Values, want.MaxValues)
	}
	return nil
}

// checkParts checks a result's parts against the parts its step must time:
// each once, with its operation count, a plausible time, and all of them
// together within the step's own time.
func checkParts(step *Step, r *Response, want Expect) error {
	if want.Parts == nil {
		return nil
	}
	seen := map[string]bool{}
	total := 0.0
	for _, p := range r.Parts {
		ops, ok := want.Parts[p.Name]
		switch {
		case !ok:
			return fmt.Errorf("step %s: part %q, expected only %v", step.Name, clip([]byte(p.Name), 40), slices.Sorted(maps.Keys(want.Parts)))
		case seen[p.Name]:
			return fmt.Errorf("step %s: part %q twice", step.Name, p.Name)
		case p.Ops != ops:
			return fmt.Errorf("step %s: part %s: ops %d, expected %d", step.Name, p.Name, p.Ops, ops)
		case !(p.NS >= 0) || p.NS > 1e18:
			return fmt.Errorf("step %s: part %s: ns %v is not a duration", step.Name, p.Name, p.NS)
		}
		seen[p.Name] = true
		total += p.NS * float64(p.Ops)
	}
	for name := range want.Parts {
		if !seen[name] {
			return fmt.Errorf("step %s: no part %q in the result", step.Name, name)
		}
	}
	if total > r.NS*float64(r.Ops)+wallSlackNS {
		return fmt.Errorf("step %s: its parts add up to %.0f ns, more than the step's %.0f ns", step.Name, total, r.NS*float64(r.Ops))
	}
	return nil
}

// ValidDigest reports whether s is 16 lowercase hex digits.
func ValidDigest(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
