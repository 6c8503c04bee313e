package exec

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fadvise is unix.Fadvise; tests replace it to play a system that ignores
// the advice.
var fadvise = unix.Fadvise

// dropFromPageCache asks the kernel to drop path's pages from the page
// cache (flushing it first, since dirty pages cannot be dropped), then
// counts the pages still resident with mincore on a fresh mapping, which
// does not fault pages in. It returns resident and total pages.
func dropFromPageCache(path string) (resident, total int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	fd := int(f.Fd())
	_ = unix.Fdatasync(fd) // a read-only descriptor may refuse; dropping then shows it
	if err := fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return 0, 0, fmt.Errorf("posix_fadvise DONTNEED %s: %w", path, err)
	}
	return residentPages(f)
}

// residentPages counts the pages of f in the page cache.
func residentPages(f *os.File) (resident, total int, err error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	size := fi.Size()
	if size == 0 {
		return 0, 0, nil
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return 0, 0, fmt.Errorf("mmap %s: %w", f.Name(), err)
	}
	defer unix.Munmap(mem)
	page := os.Getpagesize()
	vec := make([]byte, (int(size)+page-1)/page)
	// x/sys/unix has no mincore wrapper for Linux.
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&mem[0])), uintptr(len(mem)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		return 0, 0, fmt.Errorf("mincore %s: %w", f.Name(), errno)
	}
	for _, v := range vec {
		if v&1 != 0 {
			resident++
		}
	}
	return resident, len(vec), nil
}
