package exec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/scenebench/runner/runner/measure"
)

// The worker protocol: the parent starts `runner worker`, writes one
// runRequest as a JSON line on its stdin and closes it; the worker answers
// each request line with one workerResponse line on stdout and exits at
// the end of its input. Anything else the worker prints goes to stderr,
// whose tail the parent keeps for failed runs.

// workerResponse answers one request: a run's results or why it failed.
type workerResponse struct {
	Run   *runResult `json:"run,omitempty"`
	Error string     `json:"error,omitempty"`
}

// stderrTail is how much of a failed worker's stderr a cell keeps.
const stderrTail = 4 << 10

var (
	procOnce   sync.Once
	procProber *measure.Prober
	procClock  time.Duration
	procErr    error
)

// processProbes returns this process's prober and clock overhead, made
// once: in a worker before its run, in-process before the first cell.
func processProbes() (*measure.Prober, time.Duration, error) {
	procOnce.Do(func() {
		procProber, procErr = measure.NewProber()
		procClock = measure.ClockOverhead()
	})
	return procProber, procClock, procErr
}

func workerMain(in io.Reader, out io.Writer) int {
	prober, clock, err := processProbes()
	if err != nil {
		fmt.Fprintln(os.Stderr, "runner worker:", err)
		return 1
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	enc := json.NewEncoder(out)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var resp workerResponse
		var req runRequest
		if err := json.Unmarshal(line, &req); err != nil {
			resp.Error = fmt.Sprintf("bad request: %v", err)
		} else if rr, err := runScenario(context.Background(), prober, clock, &req); err != nil {
			resp.Error = err.Error()
		} else {
			resp.Run = &rr
		}
		if err := enc.Encode(&resp); err != nil {
			fmt.Fprintln(os.Stderr, "runner worker: write response:", err)
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "runner worker: read requests:", err)
		return 1
	}
	return 0
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	max int
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailWriter) String() string { return strings.TrimSpace(string(t.buf)) }

// runError is a run that did not produce results, with the worker's
// stderr tail when there was a worker.
type runError struct {
	err    error
	stderr string
}

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// workerRun is the outcome of one run in a worker.
type workerRun struct {
	result runResult
	// ChildMaxRSS is the kernel's rusage maxrss of the worker in bytes.
	// On Linux it can include the parent's own peak: the worker starts as
	// a copy of the parent's address space, and exec folds that address
	// space's peak into the figure. VmHWM, read by the worker itself after
	// exec, does not; results use VmHWM.
	childMaxRSS uint64
	wall        time.Duration
}

// runInWorker runs req in a fresh worker process. ctx's deadline or
// cancellation kills the worker.
func runInWorker(ctx context.Context, exe string, req *runRequest) (workerRun, error) {
	var wr workerRun
	line, err := json.Marshal(req)
	if err != nil {
		return wr, err
	}
	cmd := osexec.CommandContext(ctx, exe, "worker")
	cmd.Stdin = bytes.NewReader(append(line, '\n'))
	var stdout bytes.Buffer
	stderr := &tailWriter{max: stderrTail}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	// Its own process group: a Ctrl-C at the terminal reaches the parent
	// only, which then stops the worker itself.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	t0 := time.Now()
	runErr := cmd.Run()
	wr.wall = time.Since(t0)
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
			wr.childMaxRSS = uint64(ru.Maxrss) * maxrssUnit
		}
	}
	if ctx.Err() != nil {
		return wr, &runError{err: ctx.Err(), stderr: stderr.String()}
	}
	var resp workerResponse
	if last := lastLine(stdout.Bytes()); len(last) > 0 {
		if err := json.Unmarshal(last, &resp); err != nil {
			resp.Error = fmt.Sprintf("unreadable worker response %q: %v", truncate(string(last), 200), err)
		}
	}
	switch {
	case resp.Run != nil && runErr == nil:
		wr.result = *resp.Run
		return wr, nil
	case resp.Error != "":
		return wr, &runError{err: errors.New(resp.Error), stderr: stderr.String()}
	case runErr != nil:
		return wr, &runError{err: fmt.Errorf("worker %s: %w", describeExit(cmd.ProcessState), runErr), stderr: stderr.String()}
	}
	return wr, &runError{err: errors.New("worker exited without an answer"), stderr: stderr.String()}
}

// maxrssUnit converts rusage maxrss to bytes (KiB on Linux).
var maxrssUnit uint64 = func() uint64 {
	if runtime.GOOS == "darwin" {
		return 1
	}
	return 1024
}()

func describeExit(ps *os.ProcessState) string {
	if ps == nil {
		return "did not start"
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by " + ws.Signal().String()
	}
	return fmt.Sprintf("exited with status %d", ps.ExitCode())
}

func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
