package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/atomicfile"
)

// The data cache.
//
// A file is named by a hash of its key material: everything that decides
// its bytes (the resolved dataset without its name, every property with
// its canonical generator, the format name, the format options that are not
// read-only, GeneratorVersion):
//
//	<data_dir>/<format>-<hierarchy>-<prims>-<16 hex digits of the key><ext>
//	<data_dir>/<same>.manifest.json
//
// A file is written under a temporary name in the same directory
// (".<name>.tmp-<random><ext>"), flushed to disk, renamed into place, and
// only then described by its manifest (size, SHA-256, the key and its
// material, the modification time). A data file without a manifest, or
// whose manifest does not match it, is rebuilt, never served; a temporary
// file is never served at all. A writer holds a lock on its temporary
// file; those nobody holds (their writer was killed) are removed by the
// next build in the directory.
//
// Verification trade-off: hashing a 1 GB file takes seconds, too slow for
// every run, so a cached file is served when its size and modification time
// equal the manifest's. After writing, the modification time is set to a
// distinctive past instant (whole seconds plus mtimeMark nanoseconds, two
// seconds ago); any later write to the file stamps it with the current
// time, so truncation, appends and in-place edits are all detected without
// reading the file even when they happen within the same clock tick.
// When the size matches but the time does not (an edit, a copy), the file
// is hashed in full: served (and the manifest's time updated) when the hash
// matches, rebuilt otherwise. Not detected on the fast path: a change that
// keeps the size and then restores the modification time on purpose, or
// corruption below the file system; EnsureOptions.Verify hashes every file
// in full for those.

// manifestVersion is the layout of manifest files.
const manifestVersion = 1

// mtimeMark is the sub-second part of the modification time given to
// every completed data file.
const mtimeMark = 424242424 * time.Nanosecond

// progressEvery is the interval between progress lines of a long write.
var progressEvery = 2 * time.Second

// keyMaterial is everything that determines a data file's bytes.
type keyMaterial struct {
	GeneratorVersion int           `json:"generator_version"`
	Prims            int           `json:"prims"`
	Hierarchy        string        `json:"hierarchy"`
	Depth            int           `json:"depth,omitempty"`
	Fanout           int           `json:"fanout,omitempty"`
	Seed             uint64        `json:"seed"`
	Schema           string        `json:"schema"`
	Properties       []keyProperty `json:"properties"`
	Format           string        `json:"format"`
	FormatKey        string        `json:"format_key"`
	// Base marks a base layer: the hierarchy without properties.
	Base bool `json:"base,omitempty"`
	// Source identifies an imported dataset: its source file's contents
	// and the import rules (the generator fields above are then empty).
	Source *keySource `json:"source,omitempty"`
}

type keySource struct {
	SHA256        string `json:"sha256"`
	ImportVersion int    `json:"import_version"`
}

type keyProperty struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Length    int    `json:"length,omitempty"`
	Generator string `json:"generator"`
	// Samples is omitted for a property without time samples, so that the
	// keys of files cached before animation existed still hold.
	Samples formats.Samples `json:"samples,omitzero"`
}

// manifest is written next to every completed data file.
type manifest struct {
	ManifestVersion int         `json:"manifest_version"`
	Key             string      `json:"key"`
	KeyMaterial     keyMaterial `json:"key_material"`
	Dataset         string      `json:"dataset"` // the name it was first built for; not part of the key
	File            string      `json:"file"`
	Bytes           int64       `json:"bytes"`
	SHA256          string      `json:"sha256"`
	ModTimeUnixNS   int64       `json:"mtime_unix_ns"`
	Created         string      `json:"created"`
	WriteSeconds    float64     `json:"write_seconds"`
}

func (s *scene) keyMaterial(f formats.Format, opts formats.Options) keyMaterial {
	if s.imp != nil {
		return keyMaterial{
			GeneratorVersion: GeneratorVersion,
			Prims:            s.cfg.Prims,
			Hierarchy:        HierarchySource,
			Format:           f.Name(),
			FormatKey:        formats.FileKey(f, opts),
			Base:             s.base,
			Source:           &keySource{SHA256: s.imp.SHA256, ImportVersion: ImportVersion},
		}
	}
	km := keyMaterial{
		GeneratorVersion: GeneratorVersion,
		Prims:            s.cfg.Prims,
		Hierarchy:        s.cfg.Hierarchy,
		Seed:             s.cfg.Seed,
		Schema:           s.info.Schema,
		Format:           f.Name(),
		FormatKey:        formats.FileKey(f, opts),
		Base:             s.base,
	}
	if s.cfg.Hierarchy == HierarchyBalanced {
		km.Depth, km.Fanout = s.cfg.Depth, s.cfg.Fanout
	}
	for i, p := range s.info.Properties {
		km.Properties = append(km.Properties, keyProperty{Name: p.Name, Type: p.Type.String(), Length: p.Length, Generator: s.gens[i].String(), Samples: p.Samples})
	}
	return km
}

func (km keyMaterial) hash() string {
	b, err := json.Marshal(km)
	if err != nil {
		panic("dataset: key material does not marshal: " + err.Error()) // plain structs: cannot happen
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// pathLocks serialises Ensure calls for one file within the process.
var pathLocks sync.Map // path -> *sync.Mutex

func lockPath(path string) func() {
	m, _ := pathLocks.LoadOrStore(path, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// FilePath returns where Ensure keeps cfg written in format f with opts,
// without touching the disk.
func FilePath(dataDir string, cfg Config, f formats.Format, opts formats.Options) (string, error) {
	s, errs := resolve(cfg)
	if errs != nil {
		return "", joinErrors(errs)
	}
	if err := formats.CheckOptions(f, opts); err != nil {
		return "", fmt.Errorf("dataset %q: %w", cfg.Name, err)
	}
	return filepath.Join(dataDir, s.fileName(f, s.keyMaterial(f, opts).hash())), nil
}

func (s *scene) fileName(f formats.Format, key string) string {
	kind := safeName(f.Name())
	if s.base {
		kind = "base"
	}
	return fmt.Sprintf("%s-%s-%d-%s%s", kind, s.cfg.Hierarchy, s.cfg.Prims, key[:16], f.Extension())
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}

func ensure(ctx context.Context, dataDir string, cfg Config, f formats.Format, opts formats.Options, eo EnsureOptions) (File, error) {
	s, errs := resolve(cfg)
	if errs != nil {
		return File{}, joinErrors(errs)
	}
	return ensureScene(ctx, dataDir, s, f, opts, eo)
}

// baseScene is s without properties: the prims of its hierarchy alone, the
// base layer a composed open puts the data file under.
func (s *scene) baseScene() *scene {
	b := *s
	b.info.Properties, b.gens, b.base = nil, nil, true
	return &b
}

func ensureScene(ctx context.Context, dataDir string, s *scene, f formats.Format, opts formats.Options, eo EnsureOptions) (File, error) {
	cfg := s.cfg
	if dataDir == "" {
		return File{}, fmt.Errorf("dataset %q: no data directory given", cfg.Name)
	}
	if err := formats.CheckOptions(f, opts); err != nil {
		return File{}, fmt.Errorf("dataset %q: %w", cfg.Name, err)
	}
	km := s.keyMaterial(f, opts)
	key := km.hash()
	path := filepath.Join(dataDir, s.fileName(f, key))
	defer lockPath(path)()

	c := &cacheEntry{scene: s, path: path, manifestPath: path + ".manifest.json", key: key, km: km}
	if !eo.Force {
		file, reason, err := c.check(eo.Verify)
		if err != nil {
			return File{}, fmt.Errorf("dataset %q: %s file %s: %w", cfg.Name, f.Name(), path, err)
		}
		if reason == "" {
			return file, nil
		}
		if reason != "no manifest" && eo.Progress != nil {
			fmt.Fprintf(eo.Progress, "dataset %s: rebuilding %s: %s\n", cfg.Name, path, reason)
		}
	}
	file, err := c.build(ctx, f, opts, eo.Progress)
	if err != nil {
		return File{}, fmt.Errorf("dataset %q: %s file %s: %w", cfg.Name, f.Name(), path, err)
	}
	return file, nil
}

type cacheEntry struct {
	scene        *scene
	path         string
	manifestPath string
	key          string
	km           keyMaterial
}

// check decides whether the cached file can be served. It returns the file
// and "" when it can, or the reason it cannot. Only I/O failures other than
// missing files are errors.
func (c *cacheEntry) check(verify bool) (File, string, error) {
	raw, err := os.ReadFile(c.manifestPath)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return File{}, "no manifest", nil
	}
	if err != nil {
		return File{}, "", fmt.Errorf("read manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return File{}, "manifest is unreadable", nil
	}
	if m.ManifestVersion != manifestVersion || m.Key != c.key || m.File != filepath.Base(c.path) {
		return File{}, "manifest describes another file", nil
	}
	st, err := os.Stat(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return File{}, "file is missing", nil
	}
	if err != nil {
		return File{}, "", fmt.Errorf("stat: %w", err)
	}
	if !st.Mode().IsRegular() {
		return File{}, "not a regular file", nil
	}
	if st.Size() != m.Bytes {
		return File{}, fmt.Sprintf("size is %d bytes, the manifest says %d (truncated or modified)", st.Size(), m.Bytes), nil
	}
	file := File{Path: c.path, Bytes: m.Bytes, SHA256: m.SHA256, Reused: true}
	timeMatches := st.ModTime().UnixNano() == m.ModTimeUnixNS
	if timeMatches && !verify {
		return file, "", nil
	}
	sum, _, err := hashFile(c.path)
	if err != nil {
		return File{}, "", err
	}
	if sum != m.SHA256 {
		return File{}, "SHA-256 does not match the manifest (modified or corrupt)", nil
	}
	if !timeMatches {
		// Same bytes with a new time (copied, touched): remember the new
		// time so the next run takes the fast path. Failing to is harmless.
		m.ModTimeUnixNS = st.ModTime().UnixNano()
		_ = writeManifest(c.manifestPath, &m)
	}
	return file, "", nil
}

// build writes the file afresh and its manifest.
func (c *cacheEntry) build(ctx context.Context, f formats.Format, opts formats.Options, progress io.Writer) (_ File, err error) {
	s := c.scene
	if err := os.MkdirAll(filepath.Dir(c.path), 0o777); err != nil {
		return File{}, fmt.Errorf("create data directory: %w", err)
	}
	removeStaleTemps(c.path)

	// Any stale manifest goes first: from here on the file is not served
	// until a new manifest says it is complete.
	if err := os.Remove(c.manifestPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return File{}, fmt.Errorf("remove old manifest: %w", err)
	}
	// The format writer opens the temporary file by name and writes it
	// through its own handle; tmp's handle on the same file flushes it at
	// Commit.
	tmp, err := atomicfile.Create(c.path)
	if err != nil {
		return File{}, fmt.Errorf("create temporary file: %w", err)
	}
	defer tmp.Discard()
	tmpPath := tmp.Name()

	start := time.Now()
	w, err := f.Create(tmpPath, opts, s.info)
	if err != nil {
		return File{}, fmt.Errorf("start writing: %w", err)
	}
	p := progressLine{w: progress, dataset: s.cfg.Name, path: c.path, total: s.cfg.Prims, start: start, last: start}
	done := 0
	err = s.generate(DefaultBatchSize, func(b *formats.Batch) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped after %d of %d prims: %w", done, s.cfg.Prims, err)
		}
		if err := w.Write(b); err != nil {
			return fmt.Errorf("write prims %d..%d: %w", done, done+b.Len()-1, err)
		}
		done += b.Len()
		p.update(done)
		return nil
	})
	if err != nil {
		w.Close()
		return File{}, err
	}
	if err := w.Close(); err != nil {
		return File{}, fmt.Errorf("finish writing: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return File{}, fmt.Errorf("stopped: %w", err)
	}
	sum, size, err := hashFile(tmpPath)
	if err != nil {
		return File{}, err
	}
	mark := time.Now().Add(-2 * time.Second).Truncate(time.Second).Add(mtimeMark)
	if err := os.Chtimes(tmpPath, mark, mark); err != nil {
		return File{}, fmt.Errorf("set modification time: %w", err)
	}
	// From here a failure must not leave the renamed file behind either.
	defer func() {
		if err != nil {
			os.Remove(c.path)
		}
	}()
	if err := tmp.Commit(); err != nil {
		return File{}, fmt.Errorf("move into place: %w", err)
	}
	st, err := os.Stat(c.path)
	if err != nil {
		return File{}, fmt.Errorf("stat: %w", err)
	}
	elapsed := time.Since(start)
	m := manifest{
		ManifestVersion: manifestVersion,
		Key:             c.key,
		KeyMaterial:     c.km,
		Dataset:         s.cfg.Name,
		File:            filepath.Base(c.path),
		Bytes:           size,
		SHA256:          sum,
		ModTimeUnixNS:   st.ModTime().UnixNano(),
		Created:         time.Now().UTC().Format(time.RFC3339),
		WriteSeconds:    elapsed.Seconds(),
	}
	if err := writeManifest(c.manifestPath, &m); err != nil {
		return File{}, err
	}
	p.finish(size)
	return File{Path: c.path, Bytes: size, SHA256: sum}, nil
}

// hashFile returns the SHA-256 and size of a file.
func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("open for checksum: %w", err)
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, fh, make([]byte, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("checksum: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// writeManifest writes m atomically (atomicfile).
func writeManifest(path string, m *manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	b = append(b, '\n')
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// removeStaleTemps deletes the temporary files in path's directory left by
// writers that died (no live writer holds their lock).
func removeStaleTemps(path string) {
	atomicfile.RemoveAbandoned(filepath.Dir(path))
}

// progressLine prints a line every progressEvery during a long write and a
// closing line if it printed any.
type progressLine struct {
	w           io.Writer
	dataset     string
	path        string
	total       int
	start, last time.Time
	printed     bool
}

func (p *progressLine) update(done int) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < progressEvery {
		return
	}
	p.last, p.printed = now, true
	fmt.Fprintf(p.w, "dataset %s: writing %s: %d/%d prims (%d%%), %.1fs\n",
		p.dataset, filepath.Base(p.path), done, p.total, done*100/p.total, now.Sub(p.start).Seconds())
}

func (p *progressLine) finish(size int64) {
	if p.w == nil || !p.printed {
		return
	}
	fmt.Fprintf(p.w, "dataset %s: wrote %s (%d bytes) in %.1fs\n", p.dataset, p.path, size, time.Since(p.start).Seconds())
}
