package memlimit

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// system is where the kernel's view of control groups is read and written:
// the host's, or a directory tree standing in for it in tests.
type system struct {
	mountinfo, cgroup string // /proc/self/mountinfo, /proc/self/cgroup
	proc              string // /proc
	pid               int
	// rmdir removes a group (syscall.Rmdir: a group's files are not
	// files a plain directory removal would accept).
	rmdir func(string) error
	// moveSelf allows moving this process into a leaf group to delegate
	// the v2 memory controller (never in tests).
	moveSelf bool
}

func hostSystem() system {
	return system{mountinfo: "/proc/self/mountinfo", cgroup: "/proc/self/cgroup", proc: "/proc",
		pid: os.Getpid(), rmdir: syscall.Rmdir, moveSelf: true}
}

// mount is one line of mountinfo: the mounted tree's root, where it is
// mounted, its file system type and super options.
type mount struct {
	root, point, fstype string
	options             []string
}

func readMounts(path string) ([]mount, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mount
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		// id parent major:minor root point options [optional...] - fstype source superoptions
		fields := strings.Fields(sc.Text())
		sep := slices.Index(fields, "-")
		if sep < 6 || len(fields) < sep+4 {
			continue
		}
		out = append(out, mount{root: unescape(fields[3]), point: unescape(fields[4]), fstype: fields[sep+1],
			options: strings.Split(fields[sep+3], ",")})
	}
	return out, sc.Err()
}

// unescape undoes mountinfo's octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// procGroup is one line of /proc/self/cgroup: hierarchy id, controllers,
// path.
type procGroup struct {
	hier        string
	controllers []string
	path        string
}

func readGroups(path string) ([]procGroup, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []procGroup
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var ctrl []string
		if parts[1] != "" {
			ctrl = strings.Split(parts[1], ",")
		}
		out = append(out, procGroup{hier: parts[0], controllers: ctrl, path: parts[2]})
	}
	return out, nil
}

// groupDir is where group path is in mount m.
func groupDir(m mount, path string) string {
	rel, err := filepath.Rel(m.root, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		// A group outside the mounted tree (a namespace's view): the
		// mount's own root is the nearest place we can see.
		return m.point
	}
	return filepath.Join(m.point, rel)
}

func detect(sys system) *Controller {
	mounts, err := readMounts(sys.mountinfo)
	if err != nil {
		return &Controller{Reason: fmt.Sprintf("cannot read %s: %v", sys.mountinfo, err), sys: sys}
	}
	groups, err := readGroups(sys.cgroup)
	if err != nil {
		return &Controller{Reason: fmt.Sprintf("cannot read %s: %v", sys.cgroup, err), sys: sys}
	}
	v2, why2 := tryV2(sys, mounts, groups)
	if v2 != nil {
		return v2
	}
	v1, why1 := tryV1(sys, mounts, groups)
	if v1 != nil {
		return v1
	}
	return &Controller{Reason: why2 + "; " + why1, sys: sys}
}

func readWords(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

func tryV2(sys system, mounts []mount, groups []procGroup) (*Controller, string) {
	i := slices.IndexFunc(mounts, func(m mount) bool { return m.fstype == "cgroup2" })
	if i < 0 {
		return nil, "cgroup v2: not mounted"
	}
	j := slices.IndexFunc(groups, func(g procGroup) bool { return g.hier == "0" })
	if j < 0 {
		return nil, "cgroup v2: this process is in no v2 group"
	}
	dir := groupDir(mounts[i], groups[j].path)
	if !slices.Contains(readWords(filepath.Join(dir, "cgroup.controllers")), "memory") {
		return nil, fmt.Sprintf("cgroup v2 (%s): no memory controller offered to this process's group %s (it is bound to the v1 hierarchy or not delegated)", mounts[i].point, groups[j].path)
	}
	c := &Controller{Mechanism: CgroupV2, Dir: dir, sys: sys}
	if !slices.Contains(readWords(filepath.Join(dir, "cgroup.subtree_control")), "memory") {
		if err := c.delegate(); err != nil {
			return nil, fmt.Sprintf("cgroup v2 (%s): cannot enable the memory controller for child groups: %v", dir, err)
		}
	}
	if err := c.probe(); err != nil {
		return nil, fmt.Sprintf("cgroup v2 (%s): %v", dir, err)
	}
	c.removeStale()
	return c, ""
}

// delegate enables the memory controller for the children of c.Dir. The
// kernel refuses while the group holds processes (other than at the
// root), so this process first moves itself into a leaf group of its own;
// if other processes keep the group busy it moves back and gives up.
func (c *Controller) delegate() error {
	enable := func() error { return writeFile(filepath.Join(c.Dir, "cgroup.subtree_control"), "+memory") }
	err := enable()
	if err == nil || !errors.Is(err, syscall.EBUSY) || !c.sys.moveSelf {
		return err
	}
	leaf := filepath.Join(c.Dir, fmt.Sprintf("runner-%d-self", c.sys.pid))
	if err := os.Mkdir(leaf, 0o755); err != nil && !os.IsExist(err) {
		return fmt.Errorf("the group holds processes, and a leaf for runner cannot be made: %w", err)
	}
	pid := strconv.Itoa(c.sys.pid)
	if err := writeFile(filepath.Join(leaf, "cgroup.procs"), pid); err != nil {
		c.sys.rmdir(leaf)
		return fmt.Errorf("the group holds processes, and runner cannot move into a leaf: %w", err)
	}
	if err := enable(); err != nil {
		writeFile(filepath.Join(c.Dir, "cgroup.procs"), pid)
		c.sys.rmdir(leaf)
		return fmt.Errorf("%w (other processes share runner's group; start runner in a group of its own)", err)
	}
	return nil
}

func tryV1(sys system, mounts []mount, groups []procGroup) (*Controller, string) {
	i := slices.IndexFunc(mounts, func(m mount) bool { return m.fstype == "cgroup" && slices.Contains(m.options, "memory") })
	if i < 0 {
		return nil, "cgroup v1: no memory hierarchy mounted"
	}
	j := slices.IndexFunc(groups, func(g procGroup) bool { return slices.Contains(g.controllers, "memory") })
	if j < 0 {
		return nil, "cgroup v1: this process is in no memory group"
	}
	dir := groupDir(mounts[i], groups[j].path)
	c := &Controller{Mechanism: CgroupV1, Dir: dir, sys: sys}
	if err := c.probe(); err != nil {
		return nil, fmt.Sprintf("cgroup v1 (%s): %v", dir, err)
	}
	c.removeStale()
	return c, ""
}

// probe makes and removes a child group: whether this process may.
func (c *Controller) probe() error {
	p := filepath.Join(c.Dir, fmt.Sprintf("runner-%d-probe", c.sys.pid))
	if err := os.Mkdir(p, 0o755); err != nil {
		return fmt.Errorf("cannot create a child group: %w", err)
	}
	return c.sys.rmdir(p)
}

// removeStale removes empty groups that runs of runner left behind when
// they were killed: runner-PID-* of processes that no longer exist.
func (c *Controller) removeStale() {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		var pid int
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "runner-") {
			continue
		}
		if _, err := fmt.Sscanf(e.Name(), "runner-%d-", &pid); err != nil || pid == c.sys.pid || alive(c.sys.proc, pid) {
			continue
		}
		c.sys.rmdir(filepath.Join(c.Dir, e.Name()))
	}
}

func alive(proc string, pid int) bool {
	_, err := os.Stat(filepath.Join(proc, strconv.Itoa(pid)))
	return err == nil
}

func writeFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Group is the control group of one reader process.
type Group struct {
	Dir   string
	mech  string
	limit int64
	fd    int
	ctl   *Controller
}

// New creates a group limited to limit bytes, for one process.
func (c *Controller) New(limit int64) (*Group, error) {
	if !c.Available() {
		return nil, fmt.Errorf("no memory limit can be set: %s", c.Reason)
	}
	c.mu.Lock()
	c.seq++
	name := groupName(c.sys.pid, c.seq)
	c.mu.Unlock()
	g := &Group{Dir: filepath.Join(c.Dir, name), mech: c.Mechanism, limit: limit, fd: -1, ctl: c}
	if err := os.Mkdir(g.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("memory limit: %w", err)
	}
	lim := strconv.FormatInt(limit, 10)
	var err error
	switch c.Mechanism {
	case CgroupV2:
		err = writeFile(filepath.Join(g.Dir, "memory.max"), lim)
		// No swap to escape to, and an OOM kill ends every process of
		// the group (a driver's children with it); older kernels lack
		// these files.
		writeFile(filepath.Join(g.Dir, "memory.swap.max"), "0")
		writeFile(filepath.Join(g.Dir, "memory.oom.group"), "1")
		if err == nil {
			g.fd, err = syscall.Open(g.Dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		}
	case CgroupV1:
		err = writeFile(filepath.Join(g.Dir, "memory.limit_in_bytes"), lim)
		// With swap accounting, memory and swap together get the same
		// limit: none of it may go to swap.
		writeFile(filepath.Join(g.Dir, "memory.memsw.limit_in_bytes"), lim)
	}
	if err != nil {
		g.Remove()
		return nil, fmt.Errorf("memory limit: set %s in %s: %w", lim, g.Dir, err)
	}
	return g, nil
}

// Prepare sets up attr so that the process starts inside the group (v2);
// v1 moves it in Started.
func (g *Group) Prepare(attr *syscall.SysProcAttr) {
	if g.mech == CgroupV2 && g.fd >= 0 {
		attr.UseCgroupFD, attr.CgroupFD = true, g.fd
	}
}

// Started is called once the process pid runs: v1 moves it into the group
// with every process of its process group (children it started before the
// move).
func (g *Group) Started(pid int) error {
	if g.fd >= 0 {
		syscall.Close(g.fd)
		g.fd = -1
	}
	if g.mech != CgroupV1 {
		return nil
	}
	procs := filepath.Join(g.Dir, "cgroup.procs")
	if err := writeFile(procs, strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("memory limit: move process %d into %s: %w", pid, g.Dir, err)
	}
	for _, p := range groupMembers(g.ctl.sys.proc, pid) {
		writeFile(procs, strconv.Itoa(p)) // it may have exited meanwhile
	}
	return nil
}

// groupMembers lists the processes of process group pgid other than its
// leader.
func groupMembers(proc string, pgid int) []int {
	entries, err := os.ReadDir(proc)
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pgid {
			continue
		}
		b, err := os.ReadFile(filepath.Join(proc, e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold anything but
		// ends at the last ')'.
		s := string(b)
		k := strings.LastIndexByte(s, ')')
		if k < 0 {
			continue
		}
		f := strings.Fields(s[k+1:])
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) {
			out = append(out, pid)
		}
	}
	return out
}

// Events reads the group's counters.
func (g *Group) Events() Events {
	var ev Events
	keyed := func(name string) map[string]int64 {
		m := map[string]int64{}
		b, _ := os.ReadFile(filepath.Join(g.Dir, name))
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 2 {
				m[f[0]], _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
		return m
	}
	one := func(name string) int64 {
		b, _ := os.ReadFile(filepath.Join(g.Dir, name))
		n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		return n
	}
	switch g.mech {
	case CgroupV2:
		e := keyed("memory.events")
		ev.OOMKills, ev.LimitHits = e["oom_kill"], e["max"]
		ev.PeakBytes = one("memory.peak")
	case CgroupV1:
		ev.OOMKills = keyed("memory.oom_control")["oom_kill"]
		// With swap accounting the memory+swap counter, limited alike,
		// is charged first and counts the failures.
		ev.LimitHits = max(one("memory.failcnt"), one("memory.memsw.failcnt"))
		ev.PeakBytes = one("memory.max_usage_in_bytes")
	}
	ev.Reached = ev.LimitHits > 0 || ev.OOMKills > 0 || (ev.PeakBytes > 0 && ev.PeakBytes >= g.limit-ReachedSlack(g.limit))
	return ev
}

// Remove deletes the group once its processes are gone, waiting up to a
// second for the kernel to finish with a process that just exited.
func (g *Group) Remove() error {
	if g.fd >= 0 {
		syscall.Close(g.fd)
		g.fd = -1
	}
	var err error
	for range 50 {
		err = g.ctl.sys.rmdir(g.Dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("memory limit: remove %s: %w", g.Dir, err)
}

// Limit is the group's limit in bytes.
func (g *Group) Limit() int64 { return g.limit }
