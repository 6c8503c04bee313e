package dataset

import (
	"context"
	"errors"
	"io"

	"github.com/scenebench/runner/formats"
)

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
}

var errTODO = errors.New("dataset generation is not implemented yet")

// Validate checks a resolved dataset config (schema, types, generators,
// hierarchy parameters, prims >= 1) and returns every problem found.
func Validate(cfg Config) []error { return nil }

// Info describes the scene cfg generates, as writers record it.
func Info(cfg Config) (formats.SceneInfo, error) { return formats.SceneInfo{}, errTODO }

// Generate produces the scene in layer order, in batches of at most
// batchSize prims, calling fn for each. The batch is reused after fn returns.
func Generate(cfg Config, batchSize int, fn func(*formats.Batch) error) error { return errTODO }

// Ensure returns the verified file of cfg written in format f with options
// opts under dataDir, generating it when missing, incomplete or forced.
func Ensure(ctx context.Context, dataDir string, cfg Config, f formats.Format, opts formats.Options, eo EnsureOptions) (File, error) {
	return File{}, errTODO
}
