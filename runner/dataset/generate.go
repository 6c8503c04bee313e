package dataset

import (
	"github.com/scenebench/runner/formats"
)

// generate streams the scene in batches.
func (s *scene) generate(batchSize int, fn func(*formats.Batch) error) error {
	if batchSize < 1 {
		batchSize = DefaultBatchSize
	}
	batchSize = min(batchSize, s.cfg.Prims)
	gens := make([]columnGen, len(s.info.Properties))
	b := &formats.Batch{
		Paths:   make([]string, 0, batchSize),
		Columns: make([]formats.Column, len(s.info.Properties)),
	}
	for i, p := range s.info.Properties {
		gens[i] = newColumnGen(p, s.gens[i], s.cfg.Seed)
		b.Columns[i].Property = p
	}
	var pathBuf []byte
	var pathEnds []int
	for start := 0; start < s.cfg.Prims; start += batchSize {
		n := min(batchSize, s.cfg.Prims-start)
		// Paths share one string per batch, like drawn strings.
		pathBuf, pathEnds = pathBuf[:0], pathEnds[:0]
		for i := start; i < start+n; i++ {
			pathBuf = s.paths(pathBuf, i)
			pathEnds = append(pathEnds, len(pathBuf))
		}
		all := string(pathBuf)
		b.Paths = b.Paths[:0]
		prev := 0
		for _, e := range pathEnds {
			b.Paths = append(b.Paths, all[prev:e])
			prev = e
		}
		for i := range b.Columns {
			b.Columns[i].Reset()
			gens[i].fill(&b.Columns[i], n)
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}
