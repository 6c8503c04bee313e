package measure

import (
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func TestReadProcIO(t *testing.T) {
	rchar, rb, n, err := readProcIO("testdata/proc-io.txt")
	if err != nil {
		t.Fatal(err)
	}
	if rchar != 1234567 || rb != 40960 || n != 101 {
		t.Errorf("rchar %d read_bytes %d size %d", rchar, rb, n)
	}
	if _, _, _, err := readProcIO("testdata/proc-io-short.txt"); err == nil || !strings.Contains(err.Error(), "proc-io-short.txt") {
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

func TestProberLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	p, err := NewProber(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	before := p.Before()
	if before.RSS == 0 || GoHeap() == 0 || before.MinorFaults == 0 {
		t.Fatalf("snapshot %+v has zeros; unavailable: %q", before, p.Unavailable())
	}
	if !p.ResetPeak() {
		t.Skipf("peak cannot be reset here: %q", p.Unavailable())
	}
	reset := p.PeakRSS()
	// Touch 64 MiB of fresh anonymous memory: the peak must rise by most
	// of it, and the minor faults with it.
	mem, err := syscall.Mmap(-1, 0, 64<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 1
	}
	peak := p.PeakRSS()
	after := p.After()
	if peak < reset+48<<20 {
		t.Errorf("peak %d after touching 64 MiB, %d after reset", peak, reset)
	}
	if after.MinorFaults < before.MinorFaults+(48<<20)/4096 {
		t.Errorf("minor faults %d -> %d after touching 64 MiB", before.MinorFaults, after.MinorFaults)
	}
}

// The probes' own reads of /proc must not show as bytes read.
func TestReadSinceExcludesProbes(t *testing.T) {
	p, err := NewProber(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "data")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 10000))
	for _, size := range []int{0, 1, 4096, 10000} {
		buf := make([]byte, size)
		before := p.Before()
		n, _ := f.ReadAt(buf, 0)
		after := p.After()
		if rchar, _ := after.ReadSince(before, 0); rchar != uint64(n) {
			t.Errorf("read %d bytes, rchar says %d", n, rchar)
		}
	}
}
