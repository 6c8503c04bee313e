package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/cespare/xxhash/v2"

	"github.com/scenebench/runner/formats"
)

// reader implements formats.Reader. Every read goes through ReadAt on the
// opened file; column chunks are read whole (one ReadAt each) and decoded
// once into blocks cached per (row group, column).
type reader struct {
	// What a warm read by handles uses comes first, on one or two cache
	// lines.
	rows int64
	// rgSize is the rows of every row group but the last when the file's
	// row groups are uniform (always, for files this package writes);
	// otherwise 0 and rgStart is searched.
	rgSize int64
	// rgMul is 2^64/rgSize rounded up, which divides a 32-bit row by
	// rgSize with one multiplication (Lemire, Kaser and Kurz, "Faster
	// remainder by direct computation", 2019); 0 when rgSize is 0 or 1.
	rgMul  uint64
	blocks blockTabs
	cache  *blockCache
	closed atomic.Bool
	props  []formats.Property

	name string
	f    *os.File
	ra   *io.SectionReader
	size int64
	rp   *parquet.ReaderProperties

	// cols are the properties' columns (index = property handle), then
	// the columns of their time samples.
	cols    []column
	pathCol column
	// times[i] lists property i's sample times, the same for every prim
	// with a value (nil when it has none); sample0[i] is the index in
	// cols of its sample 0, the others following.
	times   [][]float64
	sample0 []int
	// alt lists, for a column whose name other columns share (one name of
	// several types), the index of the next such column, in a ring; -1
	// for the rest.
	alt     []int
	nrg     int
	rgStart []int64

	// pf reads the whole footer: at open when eager (or when the file has
	// no prim index), otherwise never.
	pf *file.Reader

	// The path -> row map and the paths in layer order. Eager opens build
	// them at open; a lazy open of a file without a prim index builds them
	// on first use.
	indexOnce sync.Once
	indexErr  error
	index     *pathIndex
	pathsOnce sync.Once
	// pathsReady holds the paths once read; with it, hint (the row of the
	// last prim located) makes gets in layer order, and repeated gets of
	// one prim, skip the index.
	pathsReady atomic.Pointer[[]string]
	hint       atomic.Uint32
	pathsErr   error

	// scene is the description the file records (nil when it records
	// none: a Parquet file some other writer made).
	scene *fileScene

	// lazy says the index is "lazy": prims are looked up in the file's
	// prim index when it has one, not in a path map.
	lazy bool
	// tr is the file's prim index (nil for a file without one); with it
	// the footer is read row group by row group, in either index.
	tr          *trailer
	footerStart int64
	createdBy   string
	base        *metadata.FileMetaData // schema only, no row groups
	buckets     dir[bucket]
	// spanPages holds the spans of row groups' footer entries, read
	// spanPage at a time.
	spanPages dir[[]byte]
	// rgSpans holds row groups' entries of the footer, once read.
	rgSpans dir[[]byte]

	slots slotDir
}

// maxPageBytes caps the uncompressed size a page header may declare
// (0: arrow-go's default, 256 MiB). Tests over corrupt files lower it so
// that a damaged header does not cost a quarter-gigabyte allocation.
var maxPageBytes int64

func open(path string, opts formats.Options) (formats.Reader, error) {
	lazy := opts.String(optIndex) == "lazy"
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("parquet: %w", err)
	}
	r := &reader{
		lazy:  lazy,
		name:  path,
		f:     f,
		size:  st.Size(),
		ra:    io.NewSectionReader(f, 0, st.Size()),
		rp:    parquet.NewReaderProperties(memory.DefaultAllocator),
		cache: newBlockCache(opts.Int(optCacheBudget)),
	}
	r.rp.MaxUncompressedPageSize = maxPageBytes
	if err := r.openFooter(lazy); err != nil {
		f.Close()
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	r.slots = newSlotDir(r.nrg)
	r.blocks = newBlockTabs(len(r.cols), r.nrg)
	if !lazy {
		if err := r.buildIndex(); err != nil {
			f.Close()
			return nil, err
		}
	}
	return r, nil
}

// setColumns records the file's columns: the properties' (in Properties
// order), then the columns of their time samples, each property's in
// sample order.
func (r *reader) setColumns(cols []column, samples [][]column) {
	r.props = make([]formats.Property, len(cols))
	r.alt = make([]int, len(cols))
	r.times = make([][]float64, len(cols))
	r.sample0 = make([]int, len(cols))
	last := map[string]int{}
	for i, c := range cols {
		r.props[i] = c.prop
		r.alt[i] = -1
		if j, ok := last[c.prop.Name]; ok {
			// Link i into the ring of its name after j.
			if r.alt[j] < 0 {
				r.alt[j] = j
			}
			r.alt[i], r.alt[j] = r.alt[j], i
		}
		last[c.prop.Name] = i
	}
	r.cols = cols
	for i := range samples {
		if len(samples[i]) == 0 {
			continue
		}
		r.times[i] = r.props[i].Samples.Times()
		r.sample0[i] = len(r.cols)
		r.cols = append(r.cols, samples[i]...)
	}
	// Sample columns have no other column of their name to fall back on.
	for len(r.alt) < len(r.cols) {
		r.alt = append(r.alt, -1)
	}
}

// openFooter reads what Open needs: for a lazy open of a file with a prim
// index only the tail, trailer, scene and schema; otherwise the footer.
func (r *reader) openFooter(lazy bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt footer: %v", p)
		}
	}()
	if r.size < 12 {
		return fmt.Errorf("not a Parquet file (%d bytes)", r.size)
	}
	var head, tail [8]byte
	if err := r.readAt(head[:4], 0); err != nil {
		return err
	}
	if err := r.readAt(tail[:], r.size-8); err != nil {
		return err
	}
	if string(head[:4]) != magic || string(tail[4:]) != magic {
		return errors.New("not a Parquet file (no PAR1 magic)")
	}
	footerLen := int64(binary.LittleEndian.Uint32(tail[:4]))
	if footerLen+12 > r.size {
		return fmt.Errorf("truncated: footer length %d exceeds the file's %d bytes", footerLen, r.size)
	}
	r.footerStart = r.size - 8 - footerLen
	// A file with the prim index is opened the lazy way in either index
	// (the footer's schema, not its row groups, whose entries are read
	// when a row group is first read); an eager open then reads the path
	// column into the path map (buildIndex), which its lookups use.
	if r.footerStart >= 4+trailerSize {
		tb := make([]byte, trailerSize)
		if err := r.readAt(tb, r.footerStart-trailerSize); err != nil {
			return err
		}
		tr, err := decodeTrailer(tb, r.footerStart, footerLen)
		switch {
		case err == nil:
			r.tr = tr
			return r.openLazy()
		case !errors.Is(err, errNoTrailer):
			return err
		}
	}
	return r.openEager()
}

func (r *reader) readAt(b []byte, off int64) error {
	n, err := r.ra.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read %d bytes at offset %d: %w", len(b), off, err)
}

func (r *reader) openLazy() error {
	tr := r.tr
	scene := make([]byte, tr.sceneLen)
	if err := r.readAt(scene, int64(tr.sceneOff)); err != nil {
		return err
	}
	s, err := parseScene(scene)
	if err != nil {
		return err
	}
	r.createdBy = s.CreatedBy
	r.scene = s
	prefix := make([]byte, tr.prefixLen)
	if err := r.readAt(prefix, r.footerStart); err != nil {
		return err
	}
	md, err := metadata.NewFileMetaData(rowGroupFooter(prefix, int16(tr.prefixLastField), nil, r.createdBy), nil)
	if err != nil {
		return fmt.Errorf("footer schema: %w", err)
	}
	r.base = md
	if md.NumRows != int64(tr.prims) || s.Prims != int(tr.prims) {
		return fmt.Errorf("prim index lists %d prims, footer %d, scene %d", tr.prims, md.NumRows, s.Prims)
	}
	pathCol, cols, samples, err := fileColumns(md.Schema, s.Properties)
	if err != nil {
		return err
	}
	r.pathCol = pathCol
	r.setColumns(cols, samples)
	r.rows = int64(tr.prims)
	r.nrg = int(tr.rowGroups)
	// A row group size beyond the prim count means one row group.
	r.setRowGroupSize(int64(min(tr.rowGroupSize, max(tr.prims, 1))))
	r.buckets = newDir[bucket](1 << tr.bucketBits)
	r.spanPages = newDir[[]byte]((r.nrg + spanPage - 1) / spanPage)
	r.rgSpans = newDir[[]byte](r.nrg)
	return nil
}

func (r *reader) openEager() error {
	pf, err := file.NewParquetReader(r.ra, file.WithReadProps(r.rp))
	if err != nil {
		return fmt.Errorf("reading the footer: %w", err)
	}
	r.pf = pf
	md := pf.MetaData()
	var declared []formats.Property
	var s *fileScene
	if v := md.KeyValueMetadata().FindValue(sceneKey); v != nil {
		if s, err = parseScene([]byte(*v)); err != nil {
			return err
		}
		declared = s.Properties
	}
	pathCol, cols, samples, err := fileColumns(md.Schema, declared)
	if err != nil {
		return err
	}
	r.pathCol = pathCol
	r.setColumns(cols, samples)
	r.nrg = md.NumRowGroups()
	r.rgStart = make([]int64, r.nrg+1)
	uniform := true
	for g := 0; g < r.nrg; g++ {
		n := md.RowGroup(g).NumRows()
		if n < 0 || r.rgStart[g]+n > 1<<32-1 {
			return fmt.Errorf("row group %d has an invalid row count %d", g, n)
		}
		r.rgStart[g+1] = r.rgStart[g] + n
		if g > 0 && g < r.nrg-1 && n != r.rgStart[1] || g == r.nrg-1 && g > 0 && n > r.rgStart[1] {
			uniform = false
		}
	}
	r.rows = r.rgStart[r.nrg]
	if uniform && r.nrg > 0 && r.rgStart[1] > 0 {
		r.setRowGroupSize(r.rgStart[1])
	}
	if s != nil && int64(s.Prims) != r.rows {
		return fmt.Errorf("scene metadata lists %d prims, the file has %d rows", s.Prims, r.rows)
	}
	r.scene = s
	return nil
}

// setRowGroupSize records the rows of every row group but the last, at
// most 2^32-1.
func (r *reader) setRowGroupSize(n int64) {
	r.rgSize = n
	if n > 1 {
		r.rgMul = ^uint64(0)/uint64(n) + 1
	}
}

// rowsIn is the row count of row group g.
func (r *reader) rowsIn(g int) int {
	if r.rgStart != nil {
		return int(r.rgStart[g+1] - r.rgStart[g])
	}
	return int(min(r.rgSize, r.rows-int64(g)*r.rgSize))
}

// rowGroupOf maps a row to its row group and the row within it.
func (r *reader) rowGroupOf(row int64) (int, int) {
	if r.rgMul != 0 {
		// rows fit in 32 bits
		q, _ := bits.Mul64(r.rgMul, uint64(row))
		return int(q), int(row - int64(q)*r.rgSize)
	}
	return r.rowGroupSearch(row)
}

// rowGroupSearch is rowGroupOf for row groups of one row or of unequal
// sizes.
func (r *reader) rowGroupSearch(row int64) (int, int) {
	if r.rgSize == 1 {
		return int(row), 0
	}
	g := sort.Search(r.nrg, func(i int) bool { return r.rgStart[i+1] > row })
	return g, int(row - r.rgStart[g])
}

func (r *reader) slot(g int) *rgSlot {
	if s := r.slots.get(g); s != nil {
		return s
	}
	return r.slots.put(g, &rgSlot{g: g, rows: r.rowsIn(g)})
}

// chunkInfo locates a column chunk.
type chunkInfo struct {
	codec compress.Compression
	// start and size delimit the chunk's pages, the dictionary page
	// included.
	start, size  int64
	uncompressed int64
}

// chunkInfoOf locates a column chunk from arrow-go's decoding of its
// metadata.
func chunkInfoOf(cc *metadata.ColumnChunkMetaData) chunkInfo {
	ci := chunkInfo{codec: cc.Compression(), start: cc.DataPageOffset(), size: cc.TotalCompressedSize(), uncompressed: cc.TotalUncompressedSize()}
	if d := cc.DictionaryPageOffset(); cc.HasDictionaryPage() && d > 0 && d < ci.start {
		ci.start = d
	}
	return ci
}

// chunk locates column leaf in s's row group; s.mu is held. An eager
// reader has the footer; a lazy one reads the row group's entry of the
// footer and decodes the locations of its chunks, skipping the rest.
func (r *reader) chunk(s *rgSlot, leaf int) (chunkInfo, error) {
	if r.pf != nil {
		if s.md == nil {
			s.md = r.pf.MetaData().RowGroup(s.g)
		}
		cc, err := s.md.ColumnChunk(leaf)
		if err != nil {
			return chunkInfo{}, err
		}
		return chunkInfoOf(cc), nil
	}
	if s.span == nil {
		span, err := r.rowGroupSpan(s.g)
		if err != nil {
			return chunkInfo{}, err
		}
		cols := r.base.Schema.NumColumns()
		pos, n2, ok, err := rowGroupColumns(span)
		if err != nil {
			return chunkInfo{}, fmt.Errorf("row group %d metadata: %w", s.g, err)
		}
		if ok {
			// The columns' locations are decoded as far as a read needs
			// them (a scan of one column decodes the columns before it
			// only), continuing from s.next.
			if n2 != cols {
				return chunkInfo{}, fmt.Errorf("row group %d has %d columns, the schema %d", s.g, n2, cols)
			}
			s.chunks, s.next = make([]chunkInfo, 0, n2), pos
		} else {
			chunks, rows, err := rowGroupChunks(span)
			if err != nil {
				return chunkInfo{}, fmt.Errorf("row group %d metadata: %w", s.g, err)
			}
			if rows != int64(s.rows) || len(chunks) != cols {
				return chunkInfo{}, fmt.Errorf("row group %d has %d rows and %d columns, the prim index and schema expect %d and %d",
					s.g, rows, len(chunks), s.rows, cols)
			}
			s.chunks = chunks
		}
		s.span = span
	}
	if leaf < 0 || leaf >= cap(s.chunks) {
		return chunkInfo{}, fmt.Errorf("no column %d", leaf)
	}
	for len(s.chunks) <= leaf {
		c := compact{b: s.span, pos: s.next}
		ci, err := c.columnChunk()
		if err != nil {
			return chunkInfo{}, fmt.Errorf("row group %d metadata, column %d: %w", s.g, len(s.chunks), err)
		}
		s.chunks, s.next = append(s.chunks, ci), c.pos
	}
	return s.chunks[leaf], nil
}

// spanPage is the number of row groups whose footer spans are read at once
// (8 bytes each).
const spanPage = 512

// Reading ahead in the footer: when row group g's entry is needed and row
// group g-1's has been read (a scan, or a traversal, going through the
// row groups in order), the entries of up to spanAhead row groups from g
// on, at most spanAheadBytes, are read with one ReadAt. A lone read (a
// cold get) reads its own entry only.
const (
	spanAhead      = 64
	spanAheadBytes = 256 << 10
)

// rowGroupSpan returns row group g's entry of the footer (its RowGroup
// struct), reading it, or it and the ones after it, on first use.
func (r *reader) rowGroupSpan(g int) ([]byte, error) {
	if p := r.rgSpans.get(g); p != nil {
		return *p, nil
	}
	k := 1
	if g > 0 && r.rgSpans.get(g-1) != nil {
		k = min(spanAhead, r.nrg-g)
	}
	var ext [spanAhead][2]int64 // offset and length in the footer
	lo, hi := int64(0), int64(0)
	n := 0
	for ; n < k; n++ {
		sp, err := r.spanOf(g + n)
		if err != nil {
			return nil, err
		}
		off, l := int64(binary.LittleEndian.Uint32(sp[:4])), int64(binary.LittleEndian.Uint32(sp[4:]))
		if off < int64(r.tr.prefixLen) || off+l > r.size-8-r.footerStart {
			if n == 0 {
				return nil, fmt.Errorf("prim index: row group %d lies outside the footer", g+n)
			}
			break // an error for when that row group is read
		}
		nlo, nhi := off, off+l
		if n > 0 {
			nlo, nhi = min(lo, off), max(hi, off+l)
			if nhi-nlo > spanAheadBytes {
				break
			}
		}
		lo, hi = nlo, nhi
		ext[n] = [2]int64{off, l}
	}
	buf := make([]byte, hi-lo)
	if err := r.readAt(buf, r.footerStart+lo); err != nil {
		return nil, err
	}
	for i := n - 1; i >= 0; i-- {
		span := buf[ext[i][0]-lo : ext[i][0]-lo+ext[i][1] : ext[i][0]-lo+ext[i][1]]
		r.rgSpans.put(g+i, &span)
	}
	return *r.rgSpans.get(g), nil
}

// spanOf returns the (offset, length) entry of row group g's span.
func (r *reader) spanOf(g int) ([]byte, error) {
	pi := g / spanPage
	p := r.spanPages.get(pi)
	if p == nil {
		n := min(spanPage, r.nrg-pi*spanPage)
		buf := make([]byte, 8*n)
		if err := r.readAt(buf, int64(r.tr.spansOff)+8*int64(pi*spanPage)); err != nil {
			return nil, err
		}
		p = r.spanPages.put(pi, &buf)
	}
	i := 8 * (g % spanPage)
	return (*p)[i : i+8], nil
}

// rowGroupReader returns arrow-go's reader of s's row group, made on first
// use (only columns decoded through arrow-go need one); s.mu is held and
// chunk has succeeded.
func (r *reader) rowGroupReader(s *rgSlot) (*file.RowGroupReader, error) {
	if s.rg != nil {
		return s.rg, nil
	}
	if r.pf != nil {
		s.rg = r.pf.RowGroup(s.g)
		return s.rg, nil
	}
	// Lazy: decode the row group's entry of the footer alone, then graft
	// it onto the schema parsed at open, so each row group costs its own
	// bytes, not the schema's.
	tiny, err := metadata.NewFileMetaData(rowGroupFooter(tinyPrefix, 3, s.span, ""), nil)
	if err != nil {
		return nil, fmt.Errorf("row group %d metadata: %w", s.g, err)
	}
	if len(tiny.FileMetaData.RowGroups) != 1 {
		return nil, fmt.Errorf("row group %d metadata is malformed", s.g)
	}
	fm := *r.base.FileMetaData
	fm.RowGroups = tiny.FileMetaData.RowGroups
	md := *r.base
	md.FileMetaData = &fm
	md.SetSourceFileSize(r.size)
	pf, err := file.NewParquetReader(r.ra, file.WithMetadata(&md), file.WithReadProps(r.rp))
	if err != nil {
		return nil, err
	}
	s.rg = pf.RowGroup(0)
	return s.rg, nil
}

// readColumn decodes column c of row group slot s; s.mu is held.
func (r *reader) readColumn(s *rgSlot, c *column) (b *block, err error) {
	return r.readColumnInto(s, c, nil)
}

// readColumnInto is readColumn decoding the rows of a string column into
// strs (length 0) as far as its capacity goes, where our page decoder
// reads the chunk.
func (r *reader) readColumnInto(s *rgSlot, c *column, strs []string) (b *block, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("row group %d: corrupt metadata: %v", s.g, p)
		}
	}()
	if s.rows == 0 {
		// An empty row group (pyarrow writes one for an empty table or
		// batch) may give its chunks no data pages at all.
		b := &block{typ: c.prop.Type}
		b.soff, b.off, b.strs = []uint32{0}, []uint32{0}, []string{}
		return b, nil
	}
	cc, err := r.chunk(s, c.leaf)
	if err != nil {
		return nil, fmt.Errorf("row group %d: %w", s.g, err)
	}
	// Check the chunk's extent before allocating a buffer of the size the
	// metadata claims.
	start, n := cc.start, cc.size
	if start < 4 || n < 0 || n > r.footerStart-start {
		return nil, fmt.Errorf("row group %d: column chunk [%d, +%d) lies outside the file's data", s.g, start, n)
	}
	if c.flat() || c.nested() {
		d := getDecoder()
		d.strs = strs
		chunk := d.chunkBuffer(c, n)
		if err := r.readAt(chunk, start); err != nil {
			putDecoder(d)
			return nil, fmt.Errorf("row group %d: %w", s.g, err)
		}
		b, err = d.decode(chunk, cc.codec, c, s.rows)
		putDecoder(d)
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, errOtherEncoding) {
			return nil, fmt.Errorf("row group %d: %w", s.g, err)
		}
	}
	rg, err := r.rowGroupReader(s)
	if err != nil {
		return nil, err
	}
	cr, err := rg.Column(c.leaf)
	if err != nil {
		return nil, fmt.Errorf("row group %d: %w", s.g, err)
	}
	// A capacity hint only, so bounded for corrupt metadata.
	hint := min(cc.uncompressed, 32*n+4096, 64<<20)
	b, err = decodeChunk(cr, c, s.rows, hint)
	if err != nil {
		return nil, fmt.Errorf("row group %d: %w", s.g, err)
	}
	return b, nil
}

// block returns the decoded block of column ci in row group g.
func (r *reader) block(g, ci int) (*block, error) {
	if b := r.blocks.get(ci, g); b != nil {
		if r.cache != nil {
			r.cache.touch(b)
		}
		return b, nil
	}
	s := r.slot(g)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := r.blocks.entry(ci, g)
	if b := e.Load(); b != nil {
		return b, nil
	}
	if r.closed.Load() {
		return nil, errClosed
	}
	b, err := r.readColumn(s, &r.cols[ci])
	if err != nil {
		return nil, err
	}
	b.setHot()
	b.entry = e
	e.Store(b)
	if r.cache != nil {
		r.cache.add(b)
	}
	return b, nil
}

var errClosed = errors.New("reader is closed")

// buildIndex reads the path column of every row group into the path -> row
// index, as the OpenUSD Parquet plugin does at open.
func (r *reader) buildIndex() error {
	r.indexOnce.Do(func() {
		paths, err := r.readPaths()
		if err != nil {
			r.indexErr = err
			return
		}
		idx, j, i := newPathIndex(paths)
		if j >= 0 {
			r.indexErr = fmt.Errorf("parquet %s: prim %q appears at rows %d and %d", r.name, paths[i], j, i)
			return
		}
		r.index = idx
	})
	return r.indexErr
}

// pathIndex maps the paths of an eager index to their rows: open
// addressing with linear probing over the paths' XXH64 hashes, at most half
// full. A slot holds the hash's upper 32 bits and the row + 1 (0 is empty),
// so the table costs 8 bytes a slot and no string: a probe compares the
// path with the one of the row only when the hash bits match, and paths,
// which share long prefixes, are seldom compared in vain. A Go map of the
// same paths also holds a string header per entry and costs more to build,
// which an eager open pays for every path.
type pathIndex struct {
	paths []string
	slots []uint64
	mask  uint64
}

// newPathIndex indexes paths (at most 2^32-1); for a path listed twice it
// returns the rows of its first and second appearance, else j = -1.
func newPathIndex(paths []string) (x *pathIndex, j, i int) {
	n := uint64(16)
	for n < 2*uint64(len(paths)) {
		n *= 2
	}
	x = &pathIndex{paths: paths, slots: make([]uint64, n), mask: n - 1}
	for i, p := range paths {
		h := xxhash.Sum64String(p)
		tag := h &^ (1<<32 - 1)
		for k := h & x.mask; ; k = (k + 1) & x.mask {
			s := x.slots[k]
			if s == 0 {
				x.slots[k] = tag | uint64(uint32(i)+1)
				break
			}
			if s&^(1<<32-1) == tag && paths[uint32(s)-1] == p {
				return nil, int(uint32(s) - 1), i
			}
		}
	}
	return x, -1, -1
}

// find returns the row of path p.
func (x *pathIndex) find(p string) (uint32, bool) {
	h := xxhash.Sum64String(p)
	tag := h &^ (1<<32 - 1)
	for k := h & x.mask; ; k = (k + 1) & x.mask {
		s := x.slots[k]
		if s == 0 {
			return 0, false
		}
		if s&^(1<<32-1) == tag && x.paths[uint32(s)-1] == p {
			return uint32(s) - 1, true
		}
	}
}

// readPaths reads the path column in layer order, once.
func (r *reader) readPaths() ([]string, error) {
	r.pathsOnce.Do(func() {
		paths := make([]string, 0, r.rows)
		for g := 0; g < r.nrg; g++ {
			s := r.slot(g)
			s.mu.Lock()
			b, err := r.readColumnInto(s, &r.pathCol, paths[len(paths):len(paths):cap(paths)])
			s.mu.Unlock()
			if err != nil {
				r.pathsErr = fmt.Errorf("parquet %s: column %s: %w", r.name, pathColumn, err)
				return
			}
			if b.null != nil {
				r.pathsErr = fmt.Errorf("parquet %s: column %s holds a null in row group %d", r.name, pathColumn, g)
				return
			}
			if len(b.strs) != b.n {
				r.pathsErr = fmt.Errorf("parquet %s: column %s holds %d strings for %d rows in row group %d", r.name, pathColumn, len(b.strs), b.n, g)
				return
			}
			if b.n > 0 && len(paths) < cap(paths) && &b.strs[0] == &paths[:len(paths)+1][len(paths)] {
				paths = paths[:len(paths)+b.n] // decoded in place
			} else {
				paths = append(paths, b.strs...)
			}
		}
		r.pathsReady.Store(&paths)
	})
	if ps := r.pathsReady.Load(); ps != nil {
		return *ps, nil
	}
	return nil, r.pathsErr
}

// locate finds a prim's row group and row within it.
func (r *reader) locate(prim string) (int, int, error) {
	if ps := r.pathsReady.Load(); ps != nil {
		paths := *ps
		h := int(r.hint.Load())
		if h < len(paths) && paths[h] == prim {
			g, i := r.rowGroupOf(int64(h))
			return g, i, nil
		}
		if h+1 < len(paths) && paths[h+1] == prim {
			r.hint.Store(uint32(h + 1))
			g, i := r.rowGroupOf(int64(h + 1))
			return g, i, nil
		}
	}
	row, err := r.lookup(prim)
	if err != nil {
		return 0, 0, err
	}
	r.hint.Store(row)
	g, i := r.rowGroupOf(int64(row))
	return g, i, nil
}

// lookup finds a prim's row through the index.
func (r *reader) lookup(prim string) (uint32, error) {
	if r.tr == nil || !r.lazy {
		if err := r.buildIndex(); err != nil {
			return 0, err
		}
		row, ok := r.index.find(prim)
		if !ok {
			return 0, &formats.NotFoundError{File: r.name, Prim: prim}
		}
		return row, nil
	}
	h := xxhash.Sum64String(prim)
	bi := int(bucketOf(h, r.tr.bucketBits))
	bk := r.buckets.get(bi)
	if bk == nil {
		var err error
		if bk, err = r.loadBucket(bi); err != nil {
			return 0, fmt.Errorf("parquet %s: prim %q: %w", r.name, prim, err)
		}
	}
	row, ok := bk.find(h)
	if !ok {
		return 0, &formats.NotFoundError{File: r.name, Prim: prim}
	}
	return row, nil
}

func (r *reader) loadBucket(bi int) (*bucket, error) {
	var fo [8]byte
	if err := r.readAt(fo[:], int64(r.tr.fanoutOff)+4*int64(bi)); err != nil {
		return nil, err
	}
	lo, hi := uint64(binary.LittleEndian.Uint32(fo[:4])), uint64(binary.LittleEndian.Uint32(fo[4:]))
	if lo > hi || hi > r.tr.prims {
		return nil, fmt.Errorf("prim index bucket %d is corrupt", bi)
	}
	buf := make([]byte, (hi-lo)*entrySize)
	if err := r.readAt(buf, int64(r.tr.entriesOff+lo*entrySize)); err != nil {
		return nil, err
	}
	bk, err := decodeBucket(buf, r.tr.prims)
	if err != nil {
		return nil, fmt.Errorf("prim index bucket %d: %w", bi, err)
	}
	return r.buckets.put(bi, bk), nil
}

// column returns the index of the named property's column, or -1. A scan
// over the few property names beats hashing the name into a map.
func (r *reader) column(name string) int {
	for i := range r.props {
		if len(r.props[i].Name) == len(name) && r.props[i].Name == name {
			return i
		}
	}
	return -1
}

// SceneInfo returns the scene description the file records in its
// key/value metadata, if any.
func (r *reader) SceneInfo() (formats.SceneInfo, bool) {
	if r.scene == nil {
		return formats.SceneInfo{}, false
	}
	return r.scene.SceneInfo, true
}

// Properties implements formats.Reader.
func (r *reader) Properties() []formats.Property {
	return append([]formats.Property(nil), r.props...)
}

// Prims implements formats.Reader. The slice is shared: callers must not
// modify it.
func (r *reader) Prims() ([]string, error) {
	if r.closed.Load() {
		return nil, fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	return r.readPaths()
}

// PrimCount implements formats.PrimCounter: the file's rows, known at open
// in either index without reading a path.
func (r *reader) PrimCount() (int, error) {
	if r.closed.Load() {
		return 0, fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	return int(r.rows), nil
}

// Get implements formats.Reader.
func (r *reader) Get(prim, property string, dst *formats.Value) error {
	if r.closed.Load() {
		return fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	g, i, err := r.locate(prim)
	if err != nil {
		return err
	}
	ci := r.column(property)
	if ci < 0 {
		return &formats.NotFoundError{File: r.name, Prim: prim, Property: property}
	}
	switch err := r.valueAt(g, i, ci, dst); {
	case errors.Is(err, errNull):
		return &formats.NoValueError{File: r.name, Prim: prim, Property: property, Why: "null"}
	case err != nil:
		return fmt.Errorf("parquet %s: prim %q property %q: %w", r.name, prim, property, err)
	}
	return nil
}

// valueAt reads row i of row group g from column ci into dst; where the
// row is null there, from the name's other columns (a name of several
// types has one column per type, a prim's value in one of them). It
// returns errNull when no column of the name holds a value.
func (r *reader) valueAt(g, i, ci int, dst *formats.Value) error {
	for first := ci; ; {
		b, err := r.block(g, ci)
		if err == nil {
			err = b.value(i, dst)
		}
		if !errors.Is(err, errNull) {
			return err
		}
		if ci = r.alt[ci]; ci < 0 || ci == first {
			return errNull
		}
	}
}

// Close implements formats.Reader.
func (r *reader) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	// Drop every cached block and bucket; readers still holding a value
	// keep its memory alive through the garbage collector.
	r.blocks.clear()
	for i := range r.buckets.pages {
		r.buckets.pages[i].Store(nil)
	}
	return r.f.Close()
}
