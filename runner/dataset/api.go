package dataset

import (
	"context"
	"fmt"
	"io"

	"github.com/scenebench/runner/formats"
)

// GeneratorVersion identifies the value-generation algorithms. It is part
// of every cache key and manifest; bump it whenever a change to this
// package changes any generated path or value, so that cached files made by
// the old code are never served as the new.
const GeneratorVersion = 1

// DefaultBatchSize is the batch size Ensure generates with, and Generate's
// when it is given a batch size below 1.
const DefaultBatchSize = 8192

// File is a dataset written in one format variant and verified against its
// manifest.
type File struct {
	Path   string // the data file
	Bytes  int64
	SHA256 string
	Reused bool // found complete in the cache rather than generated
}

// EnsureOptions control Ensure.
type EnsureOptions struct {
	Force    bool      // rebuild even when a verified file exists
	Progress io.Writer // progress lines for long writes; nil for none
	// Verify hashes a cached file in full before serving it even when its
	// size and modification time match the manifest (see Ensure).
	Verify bool
}

// Validate checks a resolved dataset config (schema, types, generators,
// hierarchy parameters, prims >= 1) and returns every problem found, each a
// *ConfigError naming the dataset, the property and the field.
func Validate(cfg Config) []error {
	_, errs := resolve(cfg)
	return errs
}

// Info describes the scene cfg generates, as writers record it.
func Info(cfg Config) (formats.SceneInfo, error) {
	s, errs := resolve(cfg)
	if errs != nil {
		return formats.SceneInfo{}, joinErrors(errs)
	}
	return s.info, nil
}

// Generate produces the scene in layer order, in batches of at most
// batchSize prims (DefaultBatchSize when batchSize < 1), calling fn for
// each. The batch is reused after fn returns: its slices (paths, numbers,
// arrays) are overwritten by the next batch, so fn must copy what it keeps.
// Strings are immutable and stay valid, but holding one keeps its whole
// batch's string memory alive. Memory is bounded by the batch size.
//
// An error from fn stops generation and is returned as it is.
func Generate(cfg Config, batchSize int, fn func(*formats.Batch) error) error {
	s, errs := resolve(cfg)
	if errs != nil {
		return joinErrors(errs)
	}
	return s.generate(batchSize, fn)
}

// Ensure returns the verified file of cfg written in format f with options
// opts under dataDir, generating it when missing, incomplete or forced.
// See cache.go for the file naming, the manifest and what is verified.
func Ensure(ctx context.Context, dataDir string, cfg Config, f formats.Format, opts formats.Options, eo EnsureOptions) (File, error) {
	return ensure(ctx, dataDir, cfg, f, opts, eo)
}

// BaseFormat is the format base layers are written in.
const BaseFormat = "usda"

// EnsureBase returns cfg's base layer under dataDir, generating it when
// missing: the hierarchy's prims as def prims without properties, in
// BaseFormat (f), cached and verified like every data file. A composed open
// puts a data file under it as a sublayer, as the original suite did.
func EnsureBase(ctx context.Context, dataDir string, cfg Config, f formats.Format, eo EnsureOptions) (File, error) {
	s, errs := resolve(cfg)
	if errs != nil {
		return File{}, joinErrors(errs)
	}
	opts, err := formats.Normalize(f, map[string]any{"specifier": "def"})
	if err != nil {
		return File{}, fmt.Errorf("dataset %q: base layer: %w", cfg.Name, err)
	}
	return ensureScene(ctx, dataDir, s.baseScene(), f, opts, eo)
}

// Layout is what a run needs to know of a dataset without generating it:
// the prims that carry properties, in layer order, and their property
// names in column order. It implements ops.Scene.
type Layout struct {
	prims   int
	props   []string
	paths   pathFunc
	samples map[string]int
}

// NewLayout describes cfg's scene.
func NewLayout(cfg Config) (*Layout, error) {
	s, errs := resolve(cfg)
	if errs != nil {
		return nil, joinErrors(errs)
	}
	l := &Layout{prims: s.cfg.Prims, paths: s.paths}
	seen := map[string]bool{}
	for _, p := range s.info.Properties {
		if !seen[p.Name] { // a name of several types is one property to read
			seen[p.Name] = true
			l.props = append(l.props, p.Name)
		}
		if p.Samples.Count > 0 {
			if l.samples == nil {
				l.samples = map[string]int{}
			}
			l.samples[p.Name] = max(l.samples[p.Name], p.Samples.Count)
		}
	}
	return l, nil
}

// Prims is the number of prims that carry properties.
func (l *Layout) Prims() int { return l.prims }

// PrimPath is the path of the i-th of them (from 0, in layer order).
func (l *Layout) PrimPath(i int) string { return string(l.paths(nil, i)) }

// Properties lists the property names in column order.
func (l *Layout) Properties() []string { return l.props }

// SampleCount is the number of time samples of the named property (0 when
// it is not animated). It implements ops.SampleCounter.
func (l *Layout) SampleCount(property string) int { return l.samples[property] }
