package spec

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestZZProf(t *testing.T) {
	path := os.Getenv("ZZ_SPEC")
	if path == "" {
		t.Skip()
	}
	st := time.Now()
	_, d := Load([]string{path}, Options{})
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%v diags=%d heapsys=%d MB totalalloc=%d MB", time.Since(st), len(d.Diagnostics), ms.HeapSys>>20, ms.TotalAlloc>>20)
	t.Log(d.String()[:min(500, len(d.String()))])
}
