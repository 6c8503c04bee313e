package measure

import (
	"runtime"
	"strings"
	"testing"
)

func TestEnvironment(t *testing.T) {
	env, warns := Environment()
	if env.OS != runtime.GOOS || env.Cores < 1 || env.GoVersion == "" || env.Start.IsZero() {
		t.Errorf("environment %+v", env)
	}
	if runtime.GOOS == "linux" && (env.MemoryBytes == 0 || env.Kernel == "") {
		t.Errorf("linux environment lacks memory or kernel: %+v", env)
	}
	if env.ClockSource != "tsc" && len(warns) == 0 {
		t.Errorf("clock source %q but no warning", env.ClockSource)
	}
}

func TestClockWarning(t *testing.T) {
	if w := ClockWarning("tsc"); w != "" {
		t.Errorf("tsc warns %q", w)
	}
	if w := ClockWarning("hpet"); !strings.Contains(w, "hpet") {
		t.Errorf("hpet warning %q", w)
	}
	if w := ClockWarning(""); w == "" {
		t.Error("unknown clock source: no warning")
	}
}
