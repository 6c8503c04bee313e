//go:build !linux

package memlimit

import (
	"errors"
	"syscall"
)

type system struct{}

func hostSystem() system { return system{} }

func detect(system) *Controller {
	return &Controller{Reason: "memory limits need Linux control groups"}
}

// Group is the control group of one reader process (Linux only).
type Group struct{ Dir string }

// New creates a group limited to limit bytes, for one process.
func (c *Controller) New(limit int64) (*Group, error) {
	return nil, errors.New("memory limits need Linux control groups")
}

// Prepare sets up attr so that the process starts inside the group.
func (g *Group) Prepare(*syscall.SysProcAttr) {}

// Started is called once the process runs.
func (g *Group) Started(int) error { return nil }

// Events reads the group's counters.
func (g *Group) Events() Events { return Events{} }

// Remove deletes the group.
func (g *Group) Remove() error { return nil }

// Limit is the group's limit in bytes.
func (g *Group) Limit() int64 { return 0 }
