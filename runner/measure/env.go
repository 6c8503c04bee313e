package measure

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/scenebench/runner/runner/results"
)

// ClockSourcePath names the kernel's current clock source on Linux.
const ClockSourcePath = "/sys/devices/system/clocksource/clocksource0/current_clocksource"

// Environment describes this machine and build, with Start set to now.
// Figures the system does not give stay empty and come back as warnings;
// a clock source other than tsc is one too, since slower clock sources add
// microseconds to every timing.
func Environment() (results.Environment, []string) {
	var warns []string
	env := results.Environment{
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		Cores:     runtime.NumCPU(),
		GoVersion: runtime.Version(),
		Start:     time.Now().UTC(),
	}
	if k, err := host.KernelVersion(); err == nil {
		env.Kernel = k
	}
	if infos, err := cpu.Info(); err == nil && len(infos) > 0 {
		env.CPUModel = strings.TrimSpace(infos[0].ModelName)
	}
	if vm, err := mem.VirtualMemory(); err == nil {
		env.MemoryBytes = vm.Total
	}
	env.Hostname, _ = os.Hostname()
	env.RunnerVersion, env.RunnerCommit = BuildVersion()
	env.ClockSource = ClockSource()
	if w := ClockWarning(env.ClockSource); w != "" {
		warns = append(warns, w)
	}
	return env, warns
}

// ClockSource is the kernel's current clock source ("tsc"), or "" when
// the system does not say.
func ClockSource() string {
	b, err := os.ReadFile(ClockSourcePath)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// ClockWarning returns the warning a clock source calls for, or "".
func ClockWarning(source string) string {
	switch source {
	case "tsc":
		return ""
	case "":
		return "clock source unknown: timings may include a slow clock's cost"
	}
	return "clock source is " + source + ", not tsc: every clock read is slower and timings are coarser"
}

// BuildVersion returns the runner's module version and VCS commit as the
// build recorded them ("(devel)" and a commit with "+dirty" for local
// builds with uncommitted changes).
func BuildVersion() (version, commit string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", ""
	}
	version = bi.Main.Version
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && commit != "" {
		commit += "+dirty"
	}
	return version, commit
}
