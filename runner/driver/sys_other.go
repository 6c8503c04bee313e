//go:build unix && !linux

package driver

import "syscall"

// procAttr puts a reader process in a process group of its own. Systems
// other than Linux have no parent-death signal.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills the process group led by pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
