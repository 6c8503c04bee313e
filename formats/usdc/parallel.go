package usdc

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// forEach calls fn(0), ..., fn(n-1) on up to GOMAXPROCS goroutines: the
// calling one and helpers, each taking the next index in turn. It returns
// when every call has. It waits only for calls under way: a helper the
// scheduler has not started by the time the caller runs out of indexes
// finds none left, so on a machine whose other cores are busy the work
// costs about what it costs on the caller alone.
func forEach(n int, fn func(i int)) {
	if n <= 0 {
		return
	}
	var next atomic.Int64
	var done sync.WaitGroup
	done.Add(n)
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			fn(i)
			done.Done()
		}
	}
	for range min(runtime.GOMAXPROCS(0), n) - 1 {
		go work()
	}
	work()
	done.Wait()
}
