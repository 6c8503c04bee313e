package exec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// LockName is the file in an output directory that apply holds an
// exclusive lock on while it runs, so two runs never write one journal.
const LockName = ".lock"

// ErrLocked is wrapped when another run holds an output directory.
var ErrLocked = errors.New("output directory in use")

// LockOut takes the exclusive lock of the output directory out, recording
// this process's id in it. The kernel drops the lock when the process
// ends, however it ends. Run holds it while it runs, runner merge while it
// writes.
func LockOut(out string) (release func(), err error) {
	path := filepath.Join(out, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		holder := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder = fmt.Sprintf("process %d", pid)
			}
		}
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is being written by %s (another runner apply or merge); wait for it or give -out another directory", ErrLocked, out, holder)
		}
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { f.Close() }, nil
}
