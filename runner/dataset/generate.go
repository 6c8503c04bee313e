package dataset

import (
	"runtime"
	"strconv"

	"github.com/scenebench/runner/formats"
)

// batchFiller generates consecutive batches of a scene.
type batchFiller struct {
	s        *scene
	gens     []columnGen
	samples  [][]columnGen // per property, one per time sample
	pathBuf  []byte
	pathEnds []int
}

func (s *scene) newBatchFiller() *batchFiller {
	f := &batchFiller{s: s, gens: make([]columnGen, len(s.info.Properties)), samples: make([][]columnGen, len(s.info.Properties))}
	for i, p := range s.info.Properties {
		f.gens[i] = newColumnGen(p, s.gens[i], s.cfg.Seed)
		for k := range p.Samples.Count {
			f.samples[i] = append(f.samples[i], newColumnGen(sampleProperty(p, k), s.gens[i], s.cfg.Seed))
		}
	}
	return f
}

// fill makes b the n prims from start; slot (0 or 1) selects the array
// buffers, so the two batches of a pipeline never share memory. Batches
// must be filled in order: every column's stream continues where the last
// batch left it.
func (f *batchFiller) fill(b *formats.Batch, start, n, slot int) {
	// Paths share one string per batch, like drawn strings.
	f.pathBuf, f.pathEnds = f.pathBuf[:0], f.pathEnds[:0]
	for i := start; i < start+n; i++ {
		f.pathBuf = f.s.paths(f.pathBuf, i)
		f.pathEnds = append(f.pathEnds, len(f.pathBuf))
	}
	all := string(f.pathBuf)
	b.Reset()
	prev := 0
	for _, e := range f.pathEnds {
		b.Paths = append(b.Paths, all[prev:e])
		prev = e
	}
	for i := range b.Columns {
		f.gens[i].fill(&b.Columns[i], n, slot)
		for k, g := range f.samples[i] {
			g.fill(&b.Columns[i].Samples[k], n, slot)
		}
	}
}

// sampleProperty is the property whose stream draws sample k of p: p
// named "<name>@<k>", so that each sample has its own stream.
func sampleProperty(p formats.Property, k int) formats.Property {
	return formats.Property{Name: p.Name + "@" + strconv.Itoa(k), Type: p.Type, Length: p.Length}
}

// generate streams the scene in batches. With more than one CPU and more
// than one batch, the next batch is generated while fn consumes the
// current one (two batches alternate, so memory stays bounded); the values
// are the same either way.
func (s *scene) generate(batchSize int, fn func(*formats.Batch) error) error {
	if s.imp != nil {
		return s.generateImported(batchSize, fn)
	}
	if batchSize < 1 {
		batchSize = DefaultBatchSize
	}
	batchSize = min(batchSize, s.cfg.Prims)
	if runtime.GOMAXPROCS(0) > 1 && s.cfg.Prims > batchSize {
		return s.generateAhead(batchSize, fn)
	}
	f := s.newBatchFiller()
	b := formats.NewBatch(s.info.Properties, batchSize)
	for start := 0; start < s.cfg.Prims; start += batchSize {
		f.fill(b, start, min(batchSize, s.cfg.Prims-start), 0)
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

type slotBatch struct {
	b    *formats.Batch
	slot int
}

func (s *scene) generateAhead(batchSize int, fn func(*formats.Batch) error) error {
	f := s.newBatchFiller()
	free := make(chan slotBatch, 2)
	free <- slotBatch{formats.NewBatch(s.info.Properties, batchSize), 0}
	free <- slotBatch{formats.NewBatch(s.info.Properties, batchSize), 1}
	ready := make(chan slotBatch, 1)
	stop := make(chan struct{})
	go func() {
		defer close(ready)
		for start := 0; start < s.cfg.Prims; start += batchSize {
			var sb slotBatch
			select {
			case sb = <-free:
			case <-stop:
				return
			}
			f.fill(sb.b, start, min(batchSize, s.cfg.Prims-start), sb.slot)
			select {
			case ready <- sb:
			case <-stop:
				return
			}
		}
	}()
	for sb := range ready {
		if err := fn(sb.b); err != nil {
			close(stop)
			for range ready { // wait for the generator to finish
			}
			return err
		}
		free <- sb
	}
	return nil
}
