//go:build linux

package driver

import (
	"bytes"
	osexec "os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A pinned process runs on its CPU from its start, and the thread that
// started it gets its own affinity back.
func TestStartPinned(t *testing.T) {
	cpu, err := PinCPU()
	if err != nil {
		t.Fatal(err)
	}
	var before unix.CPUSet
	if err := unix.SchedGetaffinity(0, &before); err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command("grep", "Cpus_allowed_list", "/proc/self/status")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := startPinned(cmd, []int{cpu}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(out.String()), "Cpus_allowed_list:"))
	if got != strconv.Itoa(cpu) {
		t.Errorf("the child runs on CPUs %q, want %d", got, cpu)
	}
	var after unix.CPUSet
	if err := unix.SchedGetaffinity(0, &after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("runner's affinity changed from %v to %v", before, after)
	}
}
