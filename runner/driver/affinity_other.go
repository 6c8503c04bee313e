//go:build !linux

package driver

import (
	"errors"
	osexec "os/exec"
)

var errNoPinning = errors.New("pinning readers to a CPU needs Linux (sched_setaffinity)")

func startPinned(*osexec.Cmd, []int) error { return errNoPinning }

// PinCPU is the CPU a pinned reader runs on; only Linux pins.
func PinCPU() (int, error) { return 0, errNoPinning }
