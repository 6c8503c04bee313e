package measure

import (
	"runtime"
	"strings"
	"testing"
)

func TestReadProcIO(t *testing.T) {
	rchar, rb, err := readProcIO("testdata/proc-io.txt")
	if err != nil {
		t.Fatal(err)
	}
	if rchar != 1234567 || rb != 40960 {
		t.Errorf("rchar %d read_bytes %d", rchar, rb)
	}
	if _, _, err := readProcIO("testdata/proc-io-short.txt"); err == nil || !strings.Contains(err.Error(), "proc-io-short.txt") {
		t.Errorf("short file: err = %v, want one naming the file", err)
	}
}

func TestReadStatusKB(t *testing.T) {
	v, err := readStatusKB("testdata/proc-status.txt", "VmHWM:")
	if err != nil {
		t.Fatal(err)
	}
	if v != 52344*1024 {
		t.Errorf("VmHWM = %d", v)
	}
	if _, err := readStatusKB("testdata/proc-status.txt", "VmNope:"); err == nil {
		t.Error("missing key: no error")
	}
}

var sink []byte

func TestProberLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	p, err := NewProber()
	if err != nil {
		t.Fatal(err)
	}
	before := p.Snapshot()
	if before.RSS == 0 || before.GoHeap == 0 || before.MinorFaults == 0 {
		t.Fatalf("snapshot %+v has zeros; unavailable: %q", before, p.Unavailable())
	}
	if !p.ResetPeak() {
		t.Skipf("peak cannot be reset here: %q", p.Unavailable())
	}
	reset := p.PeakRSS()
	// Touch 64 MiB: the peak must rise by most of it, and faults with it.
	sink = make([]byte, 64<<20)
	for i := 0; i < len(sink); i += 4096 {
		sink[i] = 1
	}
	peak := p.PeakRSS()
	after := p.Snapshot()
	sink = nil
	if peak < reset+48<<20 {
		t.Errorf("peak %d after touching 64 MiB, %d after reset", peak, reset)
	}
	if after.MinorFaults < before.MinorFaults+(48<<20)/4096 {
		t.Errorf("minor faults %d -> %d after touching 64 MiB", before.MinorFaults, after.MinorFaults)
	}
}
