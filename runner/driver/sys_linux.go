package driver

import "syscall"

// procAttr puts a reader process in a process group of its own and has
// the kernel kill it when runner dies (the parent-death signal), so no
// reader outlives a killed runner.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group led by pid: the reader and every
// process it started.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
