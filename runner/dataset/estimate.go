package dataset

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/scenebench/runner/internal/units"

	"github.com/scenebench/runner/formats"
)

// RawSize is cfg's scene before any format: prims, the mean bytes of one
// prim's values and of its path, from the types, array lengths and string
// generators, without generating anything.
func RawSize(cfg Config) (formats.RawSize, error) {
	s, errs := resolve(cfg)
	if errs != nil {
		return formats.RawSize{}, joinErrors(errs)
	}
	return s.rawSize(), nil
}

func (s *scene) rawSize() formats.RawSize {
	if s.imp != nil {
		r := s.imp.rawSize()
		if s.base {
			r.ValueSize = 0
		}
		return r
	}
	r := formats.RawSize{Prims: int64(s.cfg.Prims)}
	for i, p := range s.info.Properties {
		// An animated property holds its default and one value per sample.
		r.ValueSize += valueSize(p, s.gens[i]) * float64(1+p.Samples.Count)
	}
	if s.cfg.Prims > 0 {
		// The last prim's path is among the longest.
		r.PathSize = float64(len(s.paths(nil, s.cfg.Prims-1)))
	}
	return r
}

// valueSize is the mean bytes of one value of p drawn by g.
func valueSize(p formats.Property, g Generator) float64 {
	n := float64(max(p.Length, 1))
	switch p.Type {
	case formats.Double, formats.Int64:
		return 8
	case formats.Float, formats.Int:
		return 4
	case formats.Bool:
		return 1
	case formats.Float3:
		return 12
	case formats.Double3:
		return 24
	case formats.DoubleArray:
		return 8 * n
	case formats.FloatArray, formats.IntArray:
		return 4 * n
	case formats.Float3Array:
		return 12 * n
	case formats.String, formats.Token:
		return g.meanLength()
	}
	return 8
}

// meanLength is the mean length of the strings g draws.
func (g Generator) meanLength() float64 {
	switch g.name {
	case genRandomString:
		if len(g.args) > 0 {
			return float64(g.args[0].i)
		}
	case genPattern:
		total := 0.0
		for _, op := range g.pat {
			switch op.kind {
			case patLiteral:
				total += float64(len(op.lit))
			case patRange:
				total += float64(max(op.width, len(strconv.FormatUint(op.lo+op.span-1, 10))))
			default:
				total++
			}
		}
		return total
	case genChoice, genConstant:
		var sum, n float64
		var walk func(l literal)
		walk = func(l literal) {
			switch l.kind {
			case litString:
				sum += float64(len(l.str))
				n++
			case litList:
				for _, e := range l.list {
					walk(e)
				}
			}
		}
		for _, a := range g.args {
			walk(a)
		}
		if n > 0 {
			return sum / n
		}
	}
	return 16
}

// Planned is one data file a run will build, for CheckRoom.
type Planned struct {
	Dataset Config
	Format  formats.Format
	Options formats.Options
	Base    bool
}

// ErrNoRoom is wrapped when the machine cannot hold the data a run would
// generate.
var ErrNoRoom = errors.New("not enough room")

// CheckRoom estimates the disk and memory that building the files of
// planned takes — those the cache under dataDir does not hold already —
// with up to parallel built at once, and refuses with ErrNoRoom, naming
// what does not fit, when the data directory's free space or the memory
// available cannot hold them.
func CheckRoom(ctx context.Context, dataDir string, planned []Planned, parallel int) error {
	var disk int64
	var mems []int64
	var biggest string
	var biggestMem int64
	for _, p := range planned {
		s, errs := resolve(p.Dataset)
		if errs != nil {
			continue // reported by the build itself
		}
		if p.Base {
			s = s.baseScene()
		}
		if path, err := FilePath(dataDir, p.Dataset, p.Format, p.Options); err == nil && !p.Base {
			if _, err := os.Stat(path + ".manifest.json"); err == nil {
				continue // cached; Ensure verifies it
			}
		}
		fp := formats.Estimate(p.Format, s.rawSize(), p.Options)
		disk += fp.FileBytes
		mems = append(mems, fp.MemoryBytes)
		if fp.MemoryBytes > biggestMem {
			biggestMem, biggest = fp.MemoryBytes, fmt.Sprintf("%s in %s", p.Dataset.Name, p.Format.Name())
		}
	}
	if len(mems) == 0 {
		return nil
	}
	free, ferr := freeBytes(dataDir)
	if ferr == nil && disk > free {
		return fmt.Errorf("%w: the data files to generate take about %s on disk, and %s has %s free; lower prims or drop formats",
			ErrNoRoom, units.Bytes(float64(disk)), dataDir, units.Bytes(float64(free)))
	}
	// The parallel largest writers may run at once.
	slices.SortFunc(mems, func(a, b int64) int { return cmp.Compare(b, a) })
	var peak int64
	for i := 0; i < len(mems) && i < max(parallel, 1); i++ {
		peak += mems[i]
	}
	avail, merr := availableMemory()
	if merr == nil && peak > avail {
		return fmt.Errorf("%w: writing the data files takes about %s of memory (the largest, %s, %s), and %s is available; lower prims or drop formats",
			ErrNoRoom, units.Bytes(float64(peak)), biggest, units.Bytes(float64(biggestMem)), units.Bytes(float64(avail)))
	}
	return nil
}

// freeBytes is the space available to this user on dir's file system
// (dir's nearest existing ancestor when dir does not exist yet).
func freeBytes(dir string) (int64, error) {
	for d := dir; ; d = filepath.Dir(d) {
		var st unix.Statfs_t
		if err := unix.Statfs(d, &st); err == nil {
			return int64(st.Bavail) * int64(st.Bsize), nil
		}
		if d == filepath.Dir(d) {
			return 0, fmt.Errorf("statfs %s: no existing directory", dir)
		}
	}
}

// availableMemory is MemAvailable from /proc/meminfo, bytes.
func availableMemory() (int64, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	var kb int64
	for line := range strings.Lines(string(b)) {
		if n, _ := fmt.Sscanf(line, "MemAvailable: %d kB", &kb); n == 1 {
			return kb * 1024, nil
		}
	}
	return 0, errors.New("/proc/meminfo has no MemAvailable")
}
