//go:build linux

package driver

import (
	"fmt"
	osexec "os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// startPinned starts cmd on the CPUs cpus only. The calling thread, locked
// to this goroutine, takes that affinity before the fork, so the child
// inherits it before it runs anything (every thread it makes too: a
// language runtime sizes its thread pools from it, Go's GOMAXPROCS
// included); the thread gets its own affinity back once started.
func startPinned(cmd *osexec.Cmd, cpus []int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return fmt.Errorf("read CPU affinity: %w", err)
	}
	for _, c := range cpus {
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("pin to CPU %v: %w", cpus, err)
	}
	startErr := cmd.Start()
	if err := unix.SchedSetaffinity(0, &old); err != nil && startErr == nil {
		return fmt.Errorf("restore CPU affinity after starting a pinned reader: %w", err)
	}
	return startErr
}

// PinCPU is the CPU a pinned reader runs on: the last of the CPUs this
// process may use (CPU 0 takes most interrupts and the system's daemons).
func PinCPU() (int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return 0, fmt.Errorf("read CPU affinity: %w", err)
	}
	for c := len(set)*64 - 1; c >= 0; c-- {
		if set.IsSet(c) {
			return c, nil
		}
	}
	return 0, fmt.Errorf("read CPU affinity: no CPU")
}
