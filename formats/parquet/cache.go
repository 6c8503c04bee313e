package parquet

import (
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/parquet/file"
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

// rgSlot holds what is cached for one row group: its reader and one decoded
// block per property column. mu serialises loading; reads of cols are
// lock-free.
type rgSlot struct {
	mu   sync.Mutex
	g    int
	rows int
	rg   *file.RowGroupReader
	cols []atomic.Pointer[block]
}

// blockCache keeps decoded blocks within a byte budget, evicting the least
// recently used. With no budget nothing is tracked and hits cost nothing.
type blockCache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	head   block // sentinel: head.next is the most recent
}

func newBlockCache(budget int64) *blockCache {
	if budget <= 0 {
		return nil
	}
	c := &blockCache{budget: budget}
	c.head.next, c.head.prev = &c.head, &c.head
	return c
}

func (c *blockCache) unlink(b *block) {
	b.prev.next, b.next.prev = b.next, b.prev
	b.prev, b.next = nil, nil
}

func (c *blockCache) pushFront(b *block) {
	b.prev, b.next = &c.head, c.head.next
	c.head.next.prev = b
	c.head.next = b
}

// touch marks b as just used.
func (c *blockCache) touch(b *block) {
	c.mu.Lock()
	if b.resident && c.head.next != b {
		c.unlink(b)
		c.pushFront(b)
	}
	c.mu.Unlock()
}

// add records a newly loaded block and evicts older ones over the budget.
// The newest block always stays, even if it alone exceeds the budget.
func (c *blockCache) add(b *block) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b.resident = true
	c.pushFront(b)
	c.used += b.size
	for c.used > c.budget {
		old := c.head.prev
		if old == b || old == &c.head {
			break
		}
		c.unlink(old)
		old.resident = false
		c.used -= old.size
		old.slot.cols[old.col].CompareAndSwap(old, nil)
	}
}

// stats reports the bytes held and the number of resident blocks.
func (c *blockCache) stats() (used int64, blocks int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for b := c.head.next; b != &c.head; b = b.next {
		blocks++
	}
	return c.used, blocks
}
