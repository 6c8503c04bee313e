package memlimit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTree lays out a stand-in for /proc/self and the cgroup mounts of a
// machine like the development one: cgroup2 mounted beside v1 hierarchies,
// the memory controller bound to v1.
func fakeTree(t *testing.T, v2Controllers string) (system, string) {
	t.Helper()
	root := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mem, uni := filepath.Join(root, "cg", "memory"), filepath.Join(root, "cg", "uni\\040fied")
	write("mountinfo", strings.Join([]string{
		"31 23 0:28 / " + root + "/cg rw,relatime - tmpfs tmpfs rw,mode=755",
		"32 31 0:29 / " + root + "/cg/cpu rw,relatime - cgroup cgroup rw,cpu",
		"35 31 0:32 / " + mem + " rw,relatime shared:9 - cgroup cgroup rw,memory",
		"41 31 0:38 / " + uni + " rw,relatime - cgroup2 cgroup2 rw",
	}, "\n")+"\n")
	write("cgroup", "4:memory:/jobs/j1\n1:cpu:/\n0::/\n")
	write("cg/memory/jobs/j1/memory.limit_in_bytes", "9223372036854771712\n")
	write("cg/uni fied/cgroup.controllers", v2Controllers+"\n")
	write("cg/uni fied/cgroup.subtree_control", "\n")
	// A group a dead runner left behind, and one of a live process.
	write("cg/memory/jobs/j1/runner-999999999-3/cgroup.procs", "")
	write("cg/memory/jobs/j1/runner-1-3/cgroup.procs", "")
	write("proc/1/stat", "1 (init) S 0 1 1\n")
	write("proc/77/stat", "77 (a b) c) S 76 4242 4242\n")
	write("proc/78/stat", "78 (other) S 1 78 78\n")
	return system{mountinfo: filepath.Join(root, "mountinfo"), cgroup: filepath.Join(root, "cgroup"),
		proc: filepath.Join(root, "proc"), pid: 4242, rmdir: os.RemoveAll}, root
}

func TestDetectFallsBackToV1(t *testing.T) {
	sys, root := fakeTree(t, "hugetlb")
	c := detect(sys)
	if c.Mechanism != CgroupV1 || c.Dir != filepath.Join(root, "cg", "memory", "jobs", "j1") {
		t.Fatalf("detected %q in %s (%s)", c.Mechanism, c.Dir, c.Reason)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "runner-999999999-3")); !os.IsNotExist(err) {
		t.Error("a dead runner's group was not removed")
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "runner-1-3")); err != nil {
		t.Error("a live process's group was removed")
	}
	g, err := c.New(64 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(g.Dir, "memory.limit_in_bytes")); string(b) != "67108864" {
		t.Errorf("limit written %q", b)
	}
	if err := g.Started(4242); err != nil {
		t.Fatal(err)
	}
	// The last pid written is the one member of the process group (77).
	if b, _ := os.ReadFile(filepath.Join(g.Dir, "cgroup.procs")); string(b) != "77" {
		t.Errorf("cgroup.procs ends with %q, want the group member 77", b)
	}
	os.WriteFile(filepath.Join(g.Dir, "memory.oom_control"), []byte("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"), 0o644)
	os.WriteFile(filepath.Join(g.Dir, "memory.failcnt"), []byte("0\n"), 0o644)
	os.WriteFile(filepath.Join(g.Dir, "memory.memsw.failcnt"), []byte("12\n"), 0o644)
	os.WriteFile(filepath.Join(g.Dir, "memory.max_usage_in_bytes"), []byte("67100000\n"), 0o644)
	if ev := g.Events(); ev != (Events{OOMKills: 1, LimitHits: 12, PeakBytes: 67100000, Reached: true}) {
		t.Errorf("events %+v", ev)
	}
	if err := g.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(g.Dir); !os.IsNotExist(err) {
		t.Error("group not removed")
	}
}

func TestDetectV2(t *testing.T) {
	sys, root := fakeTree(t, "cpu io memory pids")
	c := detect(sys)
	if c.Mechanism != CgroupV2 || c.Dir != filepath.Join(root, "cg", "uni fied") {
		t.Fatalf("detected %q in %s (%s)", c.Mechanism, c.Dir, c.Reason)
	}
	if b, _ := os.ReadFile(filepath.Join(c.Dir, "cgroup.subtree_control")); string(b) != "+memory" {
		t.Errorf("subtree_control %q: the memory controller was not enabled for children", b)
	}
	g, err := c.New(256 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Remove()
	for file, want := range map[string]string{"memory.max": "268435456", "memory.swap.max": "0", "memory.oom.group": "1"} {
		if b, _ := os.ReadFile(filepath.Join(g.Dir, file)); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	if g.fd < 0 {
		t.Error("no directory descriptor to start the process in the group")
	}
	os.WriteFile(filepath.Join(g.Dir, "memory.events"), []byte("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n"), 0o644)
	os.WriteFile(filepath.Join(g.Dir, "memory.peak"), []byte("1234\n"), 0o644)
	if ev := g.Events(); ev != (Events{OOMKills: 1, LimitHits: 3, PeakBytes: 1234, Reached: true}) {
		t.Errorf("events %+v", ev)
	}
	// No failure counted, but the peak a page below the limit: reached.
	os.WriteFile(filepath.Join(g.Dir, "memory.events"), []byte("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"), 0o644)
	os.WriteFile(filepath.Join(g.Dir, "memory.peak"), []byte("268427264\n"), 0o644)
	if ev := g.Events(); !ev.Reached {
		t.Errorf("a peak 8 KiB below the limit: %+v", ev)
	}
	os.WriteFile(filepath.Join(g.Dir, "memory.peak"), []byte("200000000\n"), 0o644)
	if ev := g.Events(); ev.Reached {
		t.Errorf("a peak far below the limit: %+v", ev)
	}
}

func TestDetectNothing(t *testing.T) {
	sys, _ := fakeTree(t, "hugetlb")
	os.WriteFile(sys.cgroup, []byte("1:cpu:/\n0::/\n"), 0o644)
	c := detect(sys)
	if c.Available() || !strings.Contains(c.Reason, "no memory controller") || !strings.Contains(c.Reason, "no memory group") {
		t.Errorf("detected %q: %s", c.Mechanism, c.Reason)
	}
	if _, err := c.New(1 << 30); err == nil {
		t.Error("a limit without control groups")
	}
}
