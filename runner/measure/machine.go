package measure

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// MachineSample is the machine's load at one instant: the 1-minute load
// average and the cumulative CPU time counters of /proc/stat (in clock
// ticks, all CPUs), so that two samples give the share of time stolen by
// the hypervisor and left idle between them.
type MachineSample struct {
	Load1              float64
	Total, Idle, Steal uint64
	ok                 bool
}

// SampleMachine reads /proc/loadavg and /proc/stat. A system without them
// gives a sample that Since reports as unknown.
func SampleMachine() MachineSample {
	var s MachineSample
	la, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return s
	}
	if _, err := fmt.Sscan(string(la), &s.Load1); err != nil {
		return s
	}
	st, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := bytes.Cut(st, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return s
	}
	// user nice system idle iowait irq softirq steal [guest guest_nice]
	for i := 1; i < len(f) && i <= 8; i++ {
		v, err := strconv.ParseUint(string(f[i]), 10, 64)
		if err != nil {
			return s
		}
		s.Total += v
		switch i {
		case 4, 5: // idle, iowait
			s.Idle += v
		case 8:
			s.Steal = v
		}
	}
	s.ok = true
	return s
}

// Since returns the percentages of CPU time stolen and idle between
// before and s, and whether both samples were read.
func (s MachineSample) Since(before MachineSample) (stealPct, idlePct float64, ok bool) {
	if !s.ok || !before.ok || s.Total <= before.Total {
		return 0, 0, false
	}
	d := float64(s.Total - before.Total)
	return 100 * float64(s.Steal-before.Steal) / d, 100 * float64(s.Idle-before.Idle) / d, true
}
