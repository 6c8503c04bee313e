package parquet

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// dirPage is the number of entries per page of a dir.
const dirPage = 1024

// dir is a lazily filled table of n pointers indexed by int, read without
// locks. Its pages are allocated on first use, so creating a dir costs
// n/1024 words and a lazy open stays cheap however many row groups or hash
// buckets the file has.
type dir[T any] struct {
	pages []atomic.Pointer[[dirPage]atomic.Pointer[T]]
}

func newDir[T any](n int) dir[T] {
	return dir[T]{pages: make([]atomic.Pointer[[dirPage]atomic.Pointer[T]], (n+dirPage-1)/dirPage)}
}

func (d *dir[T]) get(i int) *T {
	p := d.pages[i/dirPage].Load()
	if p == nil {
		return nil
	}
	return p[i%dirPage].Load()
}

// put stores v at i unless another goroutine got there first; it returns
// the stored pointer.
func (d *dir[T]) put(i int, v *T) *T {
	pp := &d.pages[i/dirPage]
	p := pp.Load()
	if p == nil {
		pp.CompareAndSwap(nil, new([dirPage]atomic.Pointer[T]))
		p = pp.Load()
	}
	if p[i%dirPage].CompareAndSwap(nil, v) {
		return v
	}
	return p[i%dirPage].Load()
}

// slotDir is a dir of row group slots, written out for the one type:
// the generic get, instantiated for pointers, goes through a dictionary
// of the type's operations (a warm read went through it until the blocks
// moved to blockTabs; loading a block still does).
type slotDir struct {
	pages []atomic.Pointer[[dirPage]atomic.Pointer[rgSlot]]
}

func newSlotDir(n int) slotDir {
	return slotDir{pages: make([]atomic.Pointer[[dirPage]atomic.Pointer[rgSlot]], (n+dirPage-1)/dirPage)}
}

func (d *slotDir) get(i int) *rgSlot {
	p := d.pages[uint(i)/dirPage].Load()
	if p == nil {
		return nil
	}
	return p[uint(i)%dirPage].Load()
}

func (d *slotDir) put(i int, v *rgSlot) *rgSlot {
	pp := &d.pages[i/dirPage]
	p := pp.Load()
	if p == nil {
		pp.CompareAndSwap(nil, new([dirPage]atomic.Pointer[rgSlot]))
		p = pp.Load()
	}
	if p[i%dirPage].CompareAndSwap(nil, v) {
		return v
	}
	return p[i%dirPage].Load()
}

// blockTabs holds the decoded blocks: per column, a table with one entry
// per row group, allocated when the column's first block is stored (so an
// open allocates one word per column however many row groups the file
// has). A read is two dependent loads, the column's table and its entry,
// both without a lock: the layout of Arrow's per-column arrays of chunks,
// where a directory per row group took five loads and a bounds check
// more.
type blockTabs struct {
	nrg int
	// base[ci] points at entry 0 of column ci's table of nrg entries
	// (nil until its first block); entry g is found by address, the row
	// group being in range by construction (g < nrg).
	base []atomic.Pointer[atomic.Pointer[block]]
}

func newBlockTabs(cols, nrg int) blockTabs {
	return blockTabs{nrg: nrg, base: make([]atomic.Pointer[atomic.Pointer[block]], cols)}
}

// get returns the block of column ci in row group g, or nil; 0 <= g < nrg.
func (t *blockTabs) get(ci, g int) *block {
	p := t.base[ci].Load()
	if p == nil {
		return nil
	}
	return (*atomic.Pointer[block])(unsafe.Add(unsafe.Pointer(p), uintptr(g)*unsafe.Sizeof(*p))).Load()
}

// entry returns the entry of column ci in row group g, making the
// column's table if it has none; 0 <= g < nrg.
func (t *blockTabs) entry(ci, g int) *atomic.Pointer[block] {
	p := t.base[ci].Load()
	if p == nil {
		t.base[ci].CompareAndSwap(nil, &make([]atomic.Pointer[block], t.nrg)[0])
		p = t.base[ci].Load()
	}
	return &unsafe.Slice(p, t.nrg)[g]
}

// clear drops every block.
func (t *blockTabs) clear() {
	for ci := range t.base {
		if p := t.base[ci].Load(); p != nil {
			tab := unsafe.Slice(p, t.nrg)
			for g := range tab {
				tab[g].Store(nil)
			}
		}
	}
}

// rgSlot holds what is cached for one row group other than its blocks:
// its reader and the chunks' places. mu serialises loading blocks of the
// row group.
type rgSlot struct {
	mu   sync.Mutex
	g    int
	rows int
	md   *metadata.RowGroupMetaData // eager: the footer's entry
	// lazy: the row group's entry of the footer, and its chunks: all of
	// them, or (cap(chunks) of them) those decoded so far, the next
	// beginning at span[next]
	span   []byte
	chunks []chunkInfo
	next   int
	rg     *file.RowGroupReader
}

// blockCache keeps decoded blocks within a byte budget, evicting blocks not
// used recently. It is the second-chance (CLOCK) approximation of least
// recently used: a hit only sets the block's referenced bit, with no lock,
// so that warm gets stay as cheap with a budget as without; eviction sweeps
// the ring of resident blocks, sparing (and clearing) referenced ones. With
// no budget nothing is tracked.
type blockCache struct {
	mu       sync.Mutex
	budget   int64
	used     int64
	resident int
	head     block  // sentinel of the ring
	hand     *block // next eviction candidate
}

func newBlockCache(budget int64) *blockCache {
	if budget <= 0 {
		return nil
	}
	c := &blockCache{budget: budget}
	c.head.next, c.head.prev = &c.head, &c.head
	c.hand = &c.head
	return c
}

// touch marks b as recently used.
func (c *blockCache) touch(b *block) {
	if !b.ref.Load() {
		b.ref.Store(true)
	}
}

// add records a newly loaded block and evicts others while over budget.
// The newest block always stays, even if it alone exceeds the budget.
func (c *blockCache) add(b *block) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Insert just behind the hand: the new block is the last the sweep
	// reaches.
	b.next, b.prev = c.hand, c.hand.prev
	c.hand.prev.next = b
	c.hand.prev = b
	b.resident = true
	b.ref.Store(true)
	c.resident++
	c.used += b.size
	for c.used > c.budget && c.resident > 1 {
		h := c.hand
		c.hand = h.next
		if h == &c.head || h == b {
			continue
		}
		if h.ref.Load() {
			h.ref.Store(false)
			continue
		}
		h.prev.next, h.next.prev = h.next, h.prev
		h.prev, h.next = nil, nil
		h.resident = false
		c.resident--
		c.used -= h.size
		h.entry.CompareAndSwap(h, nil)
	}
}

// stats reports the bytes held and the number of resident blocks.
func (c *blockCache) stats() (used int64, blocks int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, c.resident
}
