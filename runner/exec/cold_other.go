//go:build !linux

package exec

import "errors"

func dropFromPageCache(path string) (resident, total int, err error) {
	return 0, 0, errors.New("dropping files from the page cache is implemented for Linux only")
}
