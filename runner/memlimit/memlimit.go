// Package memlimit runs reader processes under a kernel memory limit: each
// process gets a control group of its own, a child of runner's own group,
// limited to the given size, and the kernel's OOM killer ends the process
// when the limit cannot be kept. Afterwards the group's counters say
// whether the OOM killer struck and whether the limit was reached, and the
// group is removed.
//
// Two mechanisms, tried in order:
//
//   - cgroup v2: memory.max on a child of runner's group, the process
//     started inside it (clone3 CLONE_INTO_CGROUP, Go's
//     SysProcAttr.UseCgroupFD), so nothing it does escapes the limit. It
//     needs the memory controller in runner's group's subtree_control,
//     which the kernel allows only in a group without processes of its
//     own (or the root): runner moves itself into a leaf group first.
//   - cgroup v1: memory.limit_in_bytes on a child of runner's group in the
//     memory hierarchy, the process moved into it right after it started
//     (v1 cannot start a process inside a group). What the process
//     touched before the move — its loader and runtime start-up, a few
//     milliseconds — stays charged to runner's group and is not limited;
//     the move happens before the reader's hello is read, so every step
//     runs under the limit.
//
// Where neither works (no memory controller, no permission), Detect says
// why, and runner runs the cells without the limit and says so.
package memlimit

import (
	"fmt"
	"sync"
)

// Mechanisms.
const (
	CgroupV2 = "cgroup2"
	CgroupV1 = "cgroup1"
)

// Controller creates limited groups in one place.
type Controller struct {
	// Mechanism is CgroupV2 or CgroupV1, "" when no limit can be set.
	Mechanism string
	// Dir is the group the process groups are created in.
	Dir string
	// Reason says why no limit can be set ("" when one can).
	Reason string
	sys    system
	mu     sync.Mutex
	seq    int
}

// Available reports whether limits can be set.
func (c *Controller) Available() bool { return c != nil && c.Mechanism != "" }

// Events are what a group's counters said after its process ended.
type Events struct {
	// OOMKills counts processes the OOM killer ended in the group.
	OOMKills int64
	// LimitHits counts the times the group's usage reached the limit
	// (v2 memory.events max, v1 memory.failcnt or memory.memsw.failcnt):
	// reclaim that slowed the reader down even when nothing was killed.
	LimitHits int64
	// PeakBytes is the group's peak usage (anonymous memory, page cache
	// it faulted in, kernel memory), 0 when the kernel does not say.
	PeakBytes int64
	// Reached says the group's usage reached its limit: the kernel counted
	// a failed charge or killed, or the peak came within ReachedSlack of
	// the limit (reclaim keeps usage just below it, and some kernels count
	// no failure for it).
	Reached bool
}

// ReachedSlack is how close to its limit a group's peak counts as having
// reached it: 1/64 of the limit, at least 256 KiB.
func ReachedSlack(limit int64) int64 { return max(limit/64, 256<<10) }

var (
	detectOnce sync.Once
	detected   *Controller
)

// Detect finds how this process can limit its children's memory, once per
// process, and removes groups that runs of runner which no longer exist
// left behind.
func Detect() *Controller {
	detectOnce.Do(func() { detected = detect(hostSystem()) })
	return detected
}

// groupName names the n-th group of runner process pid.
func groupName(pid, n int) string { return fmt.Sprintf("runner-%d-%d", pid, n) }
