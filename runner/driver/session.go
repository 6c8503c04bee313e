// Package driver runs reader processes — runner's own Go reader or any
// program speaking the driver protocol (runner/protocol) — and measures
// them from outside: the parent probes the reader's memory, I/O and page
// faults through /proc at the step boundaries the reader announces, and
// checks every answer against its request. It also holds the Go reader's
// side of the protocol (Serve).
package driver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/memlimit"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// StderrTail is how much of a reader process's standard error a failed
// run keeps.
const StderrTail = 4 << 10

// Command says how to start a reader process.
type Command struct {
	// Name names the driver in messages ("go", "openusd-py").
	Name string
	// Argv is the program and its arguments.
	Argv []string
	// Env is added to runner's own environment ("NAME=VALUE").
	Env []string
	// Dir is the working directory ("" = runner's).
	Dir string
	// MemoryLimit runs the process under a kernel memory limit of this
	// many bytes, in a control group of its own (0 = none; see package
	// memlimit). Start fails when the limit cannot be set.
	MemoryLimit int64
	// CPUs, when set, are the only CPUs the process may run on (its
	// affinity from before its first instruction; Linux only).
	CPUs []int
}

// Session is one reader process (or the Go reader on goroutines of this
// process) through one run.
type Session struct {
	name    string
	cmd     *osexec.Cmd
	in      io.WriteCloser
	lines   chan line
	stderr  *TailWriter
	prober  *measure.Prober
	hello   *protocol.Response
	startup time.Duration
	// written counts the bytes sent to the reader since the last Before
	// snapshot: they are in its rchar but are not the step's reads.
	written uint64
	// exited is closed when the process has been waited for.
	exited  chan struct{}
	waitErr error
	done    bool
	// group is the process's memory-limited control group (nil without
	// a limit); events are its counters, read when it was removed.
	group    *memlimit.Group
	events   memlimit.Events
	released bool
}

type line struct {
	b   []byte
	err error
}

// Start starts a reader process and waits for its hello, within ctx. When
// the process started but failed to say hello, the killed session is
// returned with the error, for its Stderr. The
// process gets its own process group (a Ctrl-C at the terminal reaches
// runner only, which stops the reader itself), dies with runner
// (parent-death signal), and is killed with its whole group by Kill.
func Start(ctx context.Context, c Command) (*Session, error) {
	if len(c.Argv) == 0 {
		return nil, fmt.Errorf("driver %s: no command", c.Name)
	}
	cmd := osexec.Command(c.Argv[0], c.Argv[1:]...)
	cmd.Env = append(os.Environ(), c.Env...)
	cmd.Dir = c.Dir
	cmd.SysProcAttr = procAttr()
	s := &Session{name: c.Name, cmd: cmd, stderr: &TailWriter{Max: StderrTail}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	if c.MemoryLimit > 0 {
		g, err := memlimit.Detect().New(c.MemoryLimit)
		if err != nil {
			return nil, fmt.Errorf("driver %s: %w", c.Name, err)
		}
		g.Prepare(cmd.SysProcAttr)
		s.group = g
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	start := cmd.Start
	if len(c.CPUs) > 0 {
		start = func() error { return startPinned(cmd, c.CPUs) }
	}
	if err := start(); err != nil {
		if s.group != nil {
			s.group.Remove()
		}
		return nil, fmt.Errorf("driver %s: start %s: %w", c.Name, c.Argv[0], err)
	}
	s.in = in
	var drained chan struct{}
	s.lines, drained = readLines(out)
	go func() {
		// Wait closes stdout: only once everything on it has been read.
		<-drained
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if s.group != nil {
		// v1 moves the process here, before its hello is read and any
		// step is sent.
		if err := s.group.Started(cmd.Process.Pid); err != nil {
			s.Kill()
			return s, fmt.Errorf("driver %s: %w", c.Name, err)
		}
	}
	if s.prober, err = measure.NewProber(cmd.Process.Pid); err != nil {
		s.Kill()
		return s, err
	}
	if err := s.greet(ctx, t0); err != nil {
		s.Kill()
		return s, err
	}
	return s, nil
}

// StartInProcess runs serve (the Go reader) on goroutines of this process,
// talking the protocol over in-memory pipes, and probes this process. A
// reader that hangs cannot be stopped from outside: Kill abandons it.
func StartInProcess(ctx context.Context, serve func(ctx context.Context, in io.Reader, out io.Writer) error) (*Session, error) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &Session{name: GoName, in: inW, stderr: &TailWriter{Max: StderrTail}, exited: make(chan struct{})}
	s.lines, _ = readLines(outR)
	var err error
	if s.prober, err = measure.NewProber(os.Getpid()); err != nil {
		return nil, err
	}
	t0 := time.Now()
	go func() {
		err := serve(ctx, inR, outW)
		if err != nil {
			fmt.Fprintln(s.stderr, err)
		}
		s.waitErr = err
		outW.CloseWithError(io.EOF)
		inR.Close()
		close(s.exited)
	}()
	if err := s.greet(ctx, t0); err != nil {
		s.Kill()
		return nil, err
	}
	return s, nil
}

func (s *Session) greet(ctx context.Context, t0 time.Time) error {
	r, err := s.recv(ctx, "hello")
	if err != nil {
		return err
	}
	s.startup = time.Since(t0)
	if r.Type != protocol.TypeHello {
		return s.fault("first message is %q, not hello", r.Type)
	}
	if r.Protocol != protocol.Version {
		return s.fault("speaks protocol %d; this runner speaks protocol %d", r.Protocol, protocol.Version)
	}
	s.hello = r
	return nil
}

// Hello is the reader's hello.
func (s *Session) Hello() *protocol.Response { return s.hello }

// Startup is the time from starting the reader to its hello: for a
// process, its start-up and library loading, kept out of every step.
func (s *Session) Startup() time.Duration { return s.startup }

// Stderr is the tail of the reader's standard error.
func (s *Session) Stderr() string { return s.stderr.String() }

// PeakRSS is the reader's peak RSS so far (VmHWM), in bytes.
func (s *Session) PeakRSS() uint64 { return s.prober.PeakRSS() }

// Unavailable lists the probes this system would not give.
func (s *Session) Unavailable() []string { return s.prober.Unavailable() }

// readLines reads lines of at most protocol.MaxLine bytes from r onto a
// channel, closed after the first error (io.EOF at the end). drained is
// closed when nothing more will be read from r.
func readLines(r io.Reader) (lines chan line, drained chan struct{}) {
	ch := make(chan line, 16)
	drained = make(chan struct{})
	go func() {
		defer close(ch)
		defer close(drained)
		br := bufio.NewReaderSize(r, 64<<10)
		var buf []byte
		for {
			chunk, err := br.ReadSlice('\n')
			buf = append(buf, chunk...)
			if len(buf) > protocol.MaxLine {
				ch <- line{err: fmt.Errorf("printed a line longer than %d bytes", protocol.MaxLine)}
				io.Copy(io.Discard, r)
				return
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				if len(bytes.TrimSpace(buf)) > 0 {
					ch <- line{b: buf}
				}
				ch <- line{err: err}
				return
			}
			if len(bytes.TrimSpace(buf)) > 0 {
				ch <- line{b: buf}
			}
			buf = nil
		}
	}()
	return ch, drained
}

// Fault is a reader that broke the protocol or stopped answering: what it
// did, with its name.
type Fault struct {
	Driver string
	Msg    string
}

func (f *Fault) Error() string { return fmt.Sprintf("driver %s: %s", f.Driver, f.Msg) }

func (s *Session) fault(format string, args ...any) error {
	return &Fault{Driver: s.name, Msg: fmt.Sprintf(format, args...)}
}

// StepError is a step the reader reported as failed.
type StepError struct {
	Driver, Step, Msg string
}

func (e *StepError) Error() string {
	if e.Driver == GoName {
		return e.Msg
	}
	return fmt.Sprintf("driver %s: %s", e.Driver, e.Msg)
}

// recv reads the next message; waiting says what for, in messages.
func (s *Session) recv(ctx context.Context, waiting string) (*protocol.Response, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case l, ok := <-s.lines:
		if !ok || l.err == io.EOF {
			return nil, s.fault("exited while runner waited for %s%s", waiting, s.exitNote())
		}
		if l.err != nil {
			return nil, s.fault("%v while runner waited for %s", l.err, waiting)
		}
		r, err := protocol.Decode(l.b)
		if err != nil {
			return nil, s.fault("%v", err)
		}
		return r, nil
	}
}

// exitNote describes how the process ended, once it has.
func (s *Session) exitNote() string {
	select {
	case <-s.exited:
	case <-time.After(2 * time.Second):
		return ""
	}
	if s.cmd == nil {
		if s.waitErr != nil {
			return ": " + s.waitErr.Error()
		}
		return ""
	}
	return " (" + describeExit(s.cmd.ProcessState) + ")"
}

func describeExit(ps *os.ProcessState) string {
	if ps == nil {
		return "did not start"
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("killed by signal %d, %s", int(ws.Signal()), ws.Signal())
	}
	return fmt.Sprintf("exited with status %d", ps.ExitCode())
}

func (s *Session) send(r *protocol.Request) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := s.in.Write(b); err != nil {
		return s.fault("stopped reading its input (%v)%s", err, s.exitNote())
	}
	s.written += uint64(len(b))
	return nil
}

// StepResult is one step's measurements in one run.
type StepResult struct {
	Name string `json:"name"`
	Op   string `json:"op"`
	// NS is the time of one operation; Ops how many operations the
	// timing covered, so NS*Ops is the step's time.
	NS      float64 `json:"ns"`
	Ops     int64   `json:"ops"`
	Batched bool    `json:"batched,omitempty"`
	Digest  string  `json:"digest,omitempty"`
	Values  int64   `json:"values,omitempty"`

	RSSBefore   uint64          `json:"rss_before"`
	RSSAfter    uint64          `json:"rss_after"`
	PeakRSS     uint64          `json:"peak_rss"`
	RChar       uint64          `json:"rchar"`
	ReadBytes   uint64          `json:"read_bytes"`
	MajorFaults uint64          `json:"major_faults"`
	MinorFaults uint64          `json:"minor_faults"`
	GoHeap      uint64          `json:"go_heap"`
	Probes      []results.Probe `json:"probes,omitempty"`
	// Parts time the kinds of work of a mixed step, as the reader gave
	// them (checked against the step's expected parts).
	Parts []protocol.Part `json:"parts,omitempty"`
}

// Step runs one step on the reader and measures it from outside: the peak
// RSS is reset and the counters read when the reader is ready, RSS at
// each probe it pauses for, and the counters again when it has measured.
// The answer is checked against want (protocol.CheckResult) and the
// probes against the requested probe points.
func (s *Session) Step(ctx context.Context, req *protocol.Step, want protocol.Expect) (StepResult, error) {
	sr := StepResult{Name: req.Name, Op: req.Op}
	if err := s.send(&protocol.Request{Type: protocol.TypeStep, Step: req}); err != nil {
		return sr, err
	}
	if _, err := s.expect(ctx, req.Name, protocol.TypeReady); err != nil {
		return sr, err
	}
	s.prober.ResetPeak()
	before := s.prober.Before()
	s.written = 0
	// The wall clock starts before go is sent: the reader cannot start its
	// own clock earlier, so its timing can never honestly exceed this one.
	t0 := time.Now()
	if err := s.send(&protocol.Request{Type: protocol.TypeGo}); err != nil {
		return sr, err
	}
	var probes []results.Probe
	for {
		r, err := s.recv(ctx, "step "+req.Name+" to finish")
		if err != nil {
			return sr, err
		}
		if err := s.checkStep(req.Name, r); err != nil {
			return sr, err
		}
		if r.Type == protocol.TypeMeasured {
			break
		}
		if r.Type != protocol.TypeProbe {
			return sr, s.fault("step %s: sent %q before measured", req.Name, r.Type)
		}
		probes = append(probes, results.Probe{Prims: r.Prims, ElapsedNS: r.ElapsedNS, RSSBytes: float64(s.prober.RSS())})
		if err := s.send(&protocol.Request{Type: protocol.TypeGo}); err != nil {
			return sr, err
		}
	}
	want.WallNS = float64(time.Since(t0))
	after := s.prober.After()
	sr.PeakRSS = max(s.prober.PeakRSS(), after.RSS)
	sr.RSSBefore, sr.RSSAfter = before.RSS, after.RSS
	sr.RChar, sr.ReadBytes = after.ReadSince(before, s.written)
	sr.MajorFaults = after.MajorFaults - min(before.MajorFaults, after.MajorFaults)
	sr.MinorFaults = after.MinorFaults - min(before.MinorFaults, after.MinorFaults)
	if err := s.send(&protocol.Request{Type: protocol.TypeGo}); err != nil {
		return sr, err
	}
	r, err := s.expect(ctx, req.Name, protocol.TypeResult)
	if err != nil {
		return sr, err
	}
	if err := protocol.CheckResult(req, r, want); err != nil {
		return sr, s.fault("%v", err)
	}
	slices.SortFunc(probes, func(a, b results.Probe) int { return a.Prims - b.Prims })
	if err := checkProbes(req, probes); err != nil {
		return sr, s.fault("step %s: %v", req.Name, err)
	}
	sr.NS, sr.Ops, sr.Batched, sr.Digest, sr.Values = r.NS, r.Ops, r.Batched, r.Digest, r.Values
	sr.GoHeap = uint64(r.Extra[ExtraGoHeap])
	sr.Probes = probes
	if want.Parts != nil {
		sr.Parts = r.Parts
	}
	return sr, nil
}

// checkProbes compares the probes a reader paused for with the points
// the request asked for.
func checkProbes(req *protocol.Step, got []results.Probe) error {
	want := req.Params.Ints("probe_at")
	if len(got) != len(want) {
		return fmt.Errorf("paused for %d probes, asked for %d", len(got), len(want))
	}
	for i, p := range got {
		if int64(p.Prims) != want[i] {
			return fmt.Errorf("probe %d after %d prims, asked for %d", i+1, p.Prims, want[i])
		}
		if !(p.ElapsedNS >= 0) {
			return fmt.Errorf("probe %d: elapsed %v ns", i+1, p.ElapsedNS)
		}
	}
	return nil
}

// checkStep turns an error message into a StepError and refuses messages
// about another step.
func (s *Session) checkStep(name string, r *protocol.Response) error {
	if r.Type == protocol.TypeError {
		msg := r.Message
		if msg == "" {
			msg = "failed without a message"
		}
		return &StepError{Driver: s.name, Step: name, Msg: msg}
	}
	if r.Step != name {
		return s.fault("answered %q for step %q while runner ran step %q", r.Type, r.Step, name)
	}
	return nil
}

// expect reads the next message, which must be typ for step name.
func (s *Session) expect(ctx context.Context, name, typ string) (*protocol.Response, error) {
	r, err := s.recv(ctx, typ+" of step "+name)
	if err != nil {
		return nil, err
	}
	if err := s.checkStep(name, r); err != nil {
		return nil, err
	}
	if r.Type != typ {
		return nil, s.fault("step %s: sent %q, expected %q", name, r.Type, typ)
	}
	return r, nil
}

// ExitGrace is how long Close waits for a reader to exit once it has
// answered closed (the cell's timeout still applies). Freeing a large
// scene can take seconds on a busy machine (OpenUSD tearing down a
// 100,000-prim layer under load took more than 5 s), and the run's
// figures are already in hand by then, so the wait is generous.
var ExitGrace = time.Minute

// Close asks the reader to close its file and waits for it to end.
func (s *Session) Close(ctx context.Context) error {
	if s.done {
		return nil
	}
	if err := s.send(&protocol.Request{Type: protocol.TypeClose}); err != nil {
		return err
	}
	r, err := s.recv(ctx, "closed")
	if err != nil {
		return err
	}
	if r.Type == protocol.TypeError {
		return &StepError{Driver: s.name, Msg: r.Message}
	}
	if r.Type != protocol.TypeClosed {
		return s.fault("sent %q, expected closed", r.Type)
	}
	s.in.Close()
	go drain(s.lines)
	select {
	case <-s.exited:
	case <-ctx.Done():
		s.Kill()
		return ctx.Err()
	case <-time.After(ExitGrace):
		s.Kill()
		return s.fault("did not exit within %v of closing", ExitGrace)
	}
	s.done = true
	s.release()
	if s.cmd != nil && s.waitErr != nil {
		return s.fault("%s after closing", describeExit(s.cmd.ProcessState))
	}
	return nil
}

// release reads the memory group's counters and removes it, once the
// process has ended.
func (s *Session) release() {
	if s.group == nil || s.released {
		return
	}
	select {
	case <-s.exited:
	default:
		return // still running: the group cannot go
	}
	s.released = true
	s.events = s.group.Events()
	if err := s.group.Remove(); err != nil {
		fmt.Fprintln(s.stderr, "runner:", err)
	}
}

// MemoryEvents are the counters of the process's memory-limited group,
// once the process has ended (false without a limit, or before).
func (s *Session) MemoryEvents() (memlimit.Events, bool) {
	return s.events, s.group != nil && s.released
}

// OOMKilled reports whether the kernel's OOM killer ended a process of the
// session's memory-limited group.
func (s *Session) OOMKilled() bool { return s.released && s.events.OOMKills > 0 }

// Kill stops the reader at once: the process and its whole group, or, in
// process, by closing its pipes.
func (s *Session) Kill() {
	if s.done {
		return
	}
	s.done = true
	s.in.Close()
	go drain(s.lines)
	if s.cmd != nil && s.cmd.Process != nil {
		killGroup(s.cmd.Process.Pid)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
		}
	}
	s.release()
}

// drain discards what a reader still prints once runner stops listening,
// so the goroutine reading it can finish and the process be reaped.
func drain(lines chan line) {
	for range lines {
	}
}

// TailWriter keeps the last Max bytes written to it; it is safe for
// concurrent use.
type TailWriter struct {
	Max int
	mu  sync.Mutex
	buf []byte
}

func (t *TailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.Max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *TailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
