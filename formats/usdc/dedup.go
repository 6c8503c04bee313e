package usdc

// smallCache is a fixed-size, direct-mapped table used to share repeated
// out-of-line values, fields and fieldsets without a table that grows with
// the file: OpenUSD shares every identical value, we share the ones that
// recur often enough to stay in the cache.
type smallCache struct {
	key [cacheSize][4]uint64
	val [cacheSize]uint64
	set [cacheSize]bool
}

const cacheBits = 13
const cacheSize = 1 << cacheBits

func cacheSlot(k [4]uint64) int {
	h := k[0]*0x9E3779B97F4A7C15 ^ k[1]*0xC2B2AE3D27D4EB4F ^ k[2]*0x165667B19E3779F9 ^ k[3]*0x27D4EB2F165667C5
	return int(h >> (64 - cacheBits))
}

func (c *smallCache) get(k [4]uint64) (uint64, bool) {
	i := cacheSlot(k)
	if c.set[i] && c.key[i] == k {
		return c.val[i], true
	}
	return 0, false
}

func (c *smallCache) put(k [4]uint64, v uint64) {
	i := cacheSlot(k)
	c.key[i], c.val[i], c.set[i] = k, v, true
}
