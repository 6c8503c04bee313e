package driver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/protocol"
)

// GoName is the name of the Go reader, the driver built into runner.
const GoName = "go"

// Serve is the Go driver: it answers protocol requests read from in on out
// with the formats compiled into this binary, until in ends or a close was
// answered. It returns an error only when it cannot talk any more; a
// failed step is an error message to the runner, after which it goes on.
func Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	ver, commit := measure.BuildVersion()
	version := ver + " (" + commit + ")"
	s := &server{ctx: ctx, in: bufio.NewReaderSize(in, 64<<10), enc: json.NewEncoder(out)}
	s.env = &ops.Env{Ctx: ctx, Clock: measure.ClockOverhead()}
	s.env.Probe = s.probe
	defer func() {
		if s.env.Reader != nil {
			s.env.Reader.Close()
		}
	}()
	if err := s.send(&protocol.Response{Type: protocol.TypeHello, Protocol: protocol.Version,
		Driver: GoName, Version: version,
		Capabilities: &protocol.Capabilities{Formats: formats.Names(), Ops: ops.Names(), Threads: true, ThreadOps: ops.ThreadOps()}}); err != nil {
		return err
	}
	for {
		req, err := s.recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch req.Type {
		case protocol.TypeStep:
			if req.Step == nil {
				err = s.fail("", errors.New("step request without a step"))
			} else {
				err = s.step(req.Step)
			}
		case protocol.TypeClose:
			var cerr error
			if s.env.Reader != nil {
				cerr = s.env.Reader.Close()
				s.env.Reader = nil
			}
			if cerr != nil {
				err = s.fail("", fmt.Errorf("close %s: %w", s.env.Path, cerr))
			} else {
				err = s.send(&protocol.Response{Type: protocol.TypeClosed})
			}
			if err == nil {
				return nil
			}
		default:
			err = s.fail("", fmt.Errorf("unexpected request %q", req.Type))
		}
		if err != nil {
			return err
		}
	}
}

type server struct {
	ctx     context.Context
	in      *bufio.Reader
	enc     *json.Encoder
	env     *ops.Env
	current string // the step under way, for probe messages
}

func (s *server) send(r *protocol.Response) error {
	if err := s.enc.Encode(r); err != nil {
		return fmt.Errorf("write to runner: %w", err)
	}
	return nil
}

func (s *server) recv() (*protocol.Request, error) {
	line, err := s.in.ReadBytes('\n')
	if err != nil {
		if err == io.EOF && len(line) == 0 {
			return nil, io.EOF
		}
		if err != io.EOF {
			return nil, fmt.Errorf("read from runner: %w", err)
		}
	}
	var req protocol.Request
	if err := json.Unmarshal(line, &req); err != nil {
		return nil, fmt.Errorf("bad request %q: %w", clip(string(line), 120), err)
	}
	return &req, nil
}

// await reads the runner's go.
func (s *server) await() error {
	req, err := s.recv()
	if err == io.EOF {
		return errors.New("runner went away")
	}
	if err != nil {
		return err
	}
	if req.Type != protocol.TypeGo {
		return fmt.Errorf("expected go, got %q", req.Type)
	}
	return nil
}

func (s *server) fail(step string, err error) error {
	return s.send(&protocol.Response{Type: protocol.TypeError, Step: step, Message: err.Error()})
}

func (s *server) probe(prims int, elapsed time.Duration) error {
	if err := s.send(&protocol.Response{Type: protocol.TypeProbe, Step: s.current, Prims: prims, ElapsedNS: float64(elapsed)}); err != nil {
		return err
	}
	return s.await()
}

// step runs one step: prepare, ready, timed part, measured, digest, result.
func (s *server) step(req *protocol.Step) error {
	op, ok := ops.Lookup(req.Op)
	if !ok {
		return s.fail(req.Name, fmt.Errorf("unknown op %q (this reader has %v)", req.Op, ops.Names()))
	}
	run, err := op.Start(s.env, req)
	if err != nil {
		return s.fail(req.Name, err)
	}
	s.current = req.Name
	// Every step starts from a collected heap, outside its timing, as a Go
	// benchmark does: the garbage of the steps before it (and of starting
	// the process) is theirs, not this step's, and a collection left
	// running would land in this step's time. What the step allocates
	// itself is still collected within it.
	runtime.GC()
	if err := s.send(&protocol.Response{Type: protocol.TypeReady, Step: req.Name}); err != nil {
		return err
	}
	if err := s.await(); err != nil {
		return err
	}
	t, err := run.Timed()
	if err != nil {
		return s.fail(req.Name, err)
	}
	heap := measure.GoHeap()
	if err := s.send(&protocol.Response{Type: protocol.TypeMeasured, Step: req.Name}); err != nil {
		return err
	}
	if err := s.await(); err != nil {
		return err
	}
	res := &protocol.Response{Type: protocol.TypeResult, Step: req.Name, NS: t.NS, Ops: t.Ops, Batched: t.Batched,
		Extra: map[string]float64{ExtraGoHeap: float64(heap)}, Parts: t.Parts}
	if run.Digest != nil {
		if res.Digest, res.Values, err = run.Digest(); err != nil {
			return s.fail(req.Name, err)
		}
	}
	return s.send(res)
}

// ExtraGoHeap is the Go reader's extra figure: live Go heap after the
// step's timed part, in bytes.
const ExtraGoHeap = "go_heap_bytes"

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
