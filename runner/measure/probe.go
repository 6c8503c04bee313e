package measure

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"

	"github.com/shirou/gopsutil/v4/process"
)

// Snapshot is the state of a process at one instant. Deltas of two
// snapshots give a step's bytes read and page faults.
type Snapshot struct {
	RSS         uint64 // resident set size, bytes (gopsutil, /proc/PID/statm)
	RChar       uint64 // bytes passed to read(2) and friends, page cache and pipes included
	ReadBytes   uint64 // bytes the process caused to be fetched from storage
	MajorFaults uint64 // faults that needed I/O (mmap'd reads show here)
	MinorFaults uint64 // faults served from memory

	selfRead uint64 // bytes of /proc/self/io read after RChar was taken
}

// Prober reads a process's memory, I/O and fault counters from /proc: the
// runner's own (an in-process run) or a reader process's, which then needs
// to measure nothing itself. Create one per process (creating the gopsutil
// handle costs tens of microseconds) and call it outside timed regions:
// one Snapshot costs tens of microseconds.
type Prober struct {
	pid         int
	self        bool
	proc        *process.Process
	unavailable map[string]string
}

// NewProber returns a prober for process pid.
func NewProber(pid int) (*Prober, error) {
	proc, err := process.NewProcess(int32(pid))
	if err != nil {
		return nil, fmt.Errorf("probe process %d: %w", pid, err)
	}
	return &Prober{pid: pid, self: pid == os.Getpid(), proc: proc, unavailable: map[string]string{}}, nil
}

// Unavailable lists the counters this system would not give, once each, as
// warnings ("bytes read unavailable: ...").
func (p *Prober) Unavailable() []string {
	var out []string
	for _, what := range slices.Sorted(maps.Keys(p.unavailable)) {
		out = append(out, what+" unavailable: "+p.unavailable[what])
	}
	return out
}

func (p *Prober) note(what string, err error) {
	if _, seen := p.unavailable[what]; !seen {
		p.unavailable[what] = err.Error()
	}
}

func (p *Prober) file(name string) string { return fmt.Sprintf("/proc/%d/%s", p.pid, name) }

// RSS is the resident set size in bytes (0 when unreadable).
func (p *Prober) RSS() uint64 {
	mi, err := p.proc.MemoryInfo()
	if err != nil {
		p.note("RSS", err)
		return 0
	}
	return mi.RSS
}

// Before reads the counters at the start of a measured region. The I/O
// counters come last, so the probe's own reads of /proc precede them.
func (p *Prober) Before() Snapshot {
	var s Snapshot
	p.memory(&s)
	p.io(&s)
	return s
}

// After reads the counters at the end of a measured region. The I/O
// counters come first, so the probe's other reads of /proc follow them.
func (p *Prober) After() Snapshot {
	var s Snapshot
	p.io(&s)
	p.memory(&s)
	return s
}

// ReadSince returns the bytes read (rchar) and fetched from storage
// (read_bytes) between before and s, without the bytes the prober read
// from /proc/self/io itself when it took before, and without known bytes
// the process read that are not the step's (the messages it received on
// its input in between).
func (s Snapshot) ReadSince(before Snapshot, known uint64) (rchar, readBytes uint64) {
	if s.RChar >= before.RChar+before.selfRead+known {
		rchar = s.RChar - before.RChar - before.selfRead - known
	}
	if s.ReadBytes >= before.ReadBytes {
		readBytes = s.ReadBytes - before.ReadBytes
	}
	return rchar, readBytes
}

func (p *Prober) memory(s *Snapshot) {
	s.RSS = p.RSS()
	pf, err := p.proc.PageFaults()
	if err != nil {
		p.note("page faults", err)
		return
	}
	s.MajorFaults, s.MinorFaults = pf.MajorFaults, pf.MinorFaults
}

func (p *Prober) io(s *Snapshot) {
	rchar, readBytes, n, err := readProcIO(p.file("io"))
	if err != nil {
		p.note("bytes read", err)
		return
	}
	s.RChar, s.ReadBytes = rchar, readBytes
	if p.self {
		s.selfRead = uint64(n)
	}
}

// PeakRSS is the process's peak resident set size in bytes (VmHWM), as
// the kernel counts it since the process started or since the last
// successful ResetPeak. The peak belongs to the address space, which
// execve replaces, so a reader process's figure never includes its
// parent's.
func (p *Prober) PeakRSS() uint64 {
	v, err := readStatusKB(p.file("status"), "VmHWM:")
	if err != nil {
		p.note("peak RSS", err)
		return 0
	}
	return v
}

// ResetPeak sets the kernel's peak RSS back to the current RSS (writing 5
// to /proc/PID/clear_refs, Linux 4.0 and later) so that the next PeakRSS
// is the peak of what ran in between. It reports whether that worked;
// when it did not, PeakRSS keeps the peak since the process started.
func (p *Prober) ResetPeak() bool {
	if err := os.WriteFile(p.file("clear_refs"), []byte("5"), 0); err != nil {
		p.note("per-step peak RSS", fmt.Errorf("cannot reset the peak (%v); peaks are since process start", err))
		return false
	}
	return true
}

// readProcIO returns rchar and read_bytes from a /proc/PID/io file, and
// the size of the file.
func readProcIO(path string) (rchar, readBytes uint64, size int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, err
	}
	found := 0
	for line := range bytes.Lines(data) {
		name, val, ok := bytes.Cut(bytes.TrimSpace(line), []byte(":"))
		if !ok {
			continue
		}
		var dst *uint64
		switch string(name) {
		case "rchar":
			dst = &rchar
		case "read_bytes":
			dst = &readBytes
		default:
			continue
		}
		n, perr := strconv.ParseUint(string(bytes.TrimSpace(val)), 10, 64)
		if perr != nil {
			return 0, 0, 0, fmt.Errorf("%s: %s: %w", path, name, perr)
		}
		*dst = n
		found++
	}
	if found != 2 {
		return 0, 0, 0, fmt.Errorf("%s: no rchar and read_bytes lines", path)
	}
	return rchar, readBytes, len(data), nil
}

// readStatusKB returns a "Key:   123 kB" line of a /proc/PID/status file in
// bytes.
func readStatusKB(path, key string) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(line, []byte(key))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("%s: unexpected %s line %q", path, key, bytes.TrimSpace(line))
		}
		kb, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("%s: no %s line", path, key)
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// GoHeap is the bytes of live and not yet swept Go heap objects of this
// process: a figure only a Go reader can give of itself.
func GoHeap() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		return s[0].Value.Uint64()
	}
	return 0
}
