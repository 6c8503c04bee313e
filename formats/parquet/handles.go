package parquet

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"

	"github.com/scenebench/runner/formats"
)

// Handles: a prim handle is the prim's row (its index in layer order), a
// property handle the index of the first column of the name. A read by
// handles divides the row by the row group size and loads the cached block
// through two atomic pointers (the column's table of blocks, its entry for
// the row group): no string is hashed or compared, no lock is taken.

var (
	_ formats.Resolver = (*reader)(nil)
	_ formats.Scanner  = (*reader)(nil)
)

// ResolvePrim implements formats.Resolver through the path map (eager
// index) or the hash index stored in the file (lazy).
func (r *reader) ResolvePrim(path string) (formats.PrimHandle, error) {
	if r.closed.Load() {
		return 0, fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	row, err := r.lookup(path)
	if err != nil {
		return 0, err
	}
	if int64(row) > formats.MaxPrimHandles {
		return 0, fmt.Errorf("parquet %s: prim %q at row %d: beyond what handles can address", r.name, path, row)
	}
	return formats.PrimHandle(row), nil
}

// ResolveProperty implements formats.Resolver.
func (r *reader) ResolveProperty(name string) (formats.PropertyHandle, error) {
	ci := r.column(name)
	if ci < 0 {
		return 0, &formats.NotFoundError{File: r.name, Property: name}
	}
	return formats.PropertyHandle(ci), nil
}

// GetHandle implements formats.Resolver. A warm read is a bounds check of
// the handles, the row group by one multiplication, two loads to the
// block (its column's table, the table's entry) and a typed load from it.
func (r *reader) GetHandle(prim formats.PrimHandle, property formats.PropertyHandle, dst *formats.Value) error {
	// Unsigned comparisons reject negative handles too.
	if uint64(int64(prim)) >= uint64(r.rows) || uint(property) >= uint(len(r.props)) {
		return r.badHandles(prim, property)
	}
	if r.closed.Load() {
		return fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	var g, i int
	if r.rgMul != 0 {
		// rowGroupOf, written in (it is too large to be inlined)
		q, _ := bits.Mul64(r.rgMul, uint64(prim))
		g, i = int(q), int(int64(prim)-int64(q)*r.rgSize)
	} else {
		g, i = r.rowGroupSearch(int64(prim))
	}
	ci := int(property)
	if b := r.blocks.get(ci, g); b != nil {
		if r.cache != nil {
			r.cache.touch(b)
		}
		// The common types inline; the rest, and nulls, through value.
		switch b.hot {
		case hotDouble:
			dst.Type, dst.Num = formats.Double, b.f64[i]
			return nil
		case hotString:
			dst.Type, dst.Str = b.typ, b.strs[i]
			return nil
		case hotDouble3:
			// Component by component: the array copy goes through the
			// stack with overlapping moves, which stall store forwarding.
			v := &b.v3d[i]
			dst.Type = formats.Double3
			dst.Vec[0], dst.Vec[1], dst.Vec[2] = v[0], v[1], v[2]
			return nil
		}
		if b.null == nil || !b.null[i] {
			return b.value(i, dst)
		}
	}
	return r.getSlow(prim, g, i, ci, dst)
}

func (r *reader) badHandles(prim formats.PrimHandle, property formats.PropertyHandle) error {
	return fmt.Errorf("parquet %s: handles (prim %d, property %d): %w", r.name, prim, property, formats.ErrNotFound)
}

// getSlow is GetHandle for a block not yet decoded, or a null.
func (r *reader) getSlow(prim formats.PrimHandle, g, i, ci int, dst *formats.Value) error {
	switch err := r.valueAt(g, i, ci, dst); {
	case errors.Is(err, errNull):
		return &formats.NoValueError{File: r.name, Prim: r.primName(prim), Property: r.cols[ci].prop.Name, Why: "null"}
	case err != nil:
		return fmt.Errorf("parquet %s: prim %s property %q: %w", r.name, r.primName(prim), r.cols[ci].prop.Name, err)
	}
	return nil
}

// primName names a prim in an error: its path when the paths are read,
// else its row.
func (r *reader) primName(prim formats.PrimHandle) string {
	if ps := r.pathsReady.Load(); ps != nil && int(prim) < len(*ps) {
		return strconv.Quote((*ps)[prim])
	}
	return "at row " + strconv.Itoa(int(prim))
}

// Scan implements formats.Scanner: row group by row group, it takes each
// property's decoded block once (decoding the column chunk on first use)
// and reads the rows of the range from it.
func (r *reader) Scan(properties []formats.PropertyHandle, first, end formats.PrimHandle, fn func(prim formats.PrimHandle, vals []formats.Value, has []bool) error) error {
	if first < 0 || end < first || int64(end) > r.rows {
		return fmt.Errorf("parquet %s: scan of prims %d to %d of %d: out of range", r.name, first, end, r.rows)
	}
	for _, h := range properties {
		if h < 0 || int(h) >= len(r.props) {
			return fmt.Errorf("parquet %s: scan of property handle %d: %w", r.name, h, formats.ErrNotFound)
		}
	}
	if r.closed.Load() {
		return fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	vals := make([]formats.Value, len(properties))
	has := make([]bool, len(properties))
	// blocks[k] lists property k's block and, for a name with several
	// columns, the blocks of the others, tried in turn on a null.
	blocks := make([][]*block, len(properties))
	for row := int64(first); row < int64(end); {
		g, i := r.rowGroupOf(row)
		n := min(int64(r.rowsIn(g)-i), int64(end)-row)
		for k, h := range properties {
			bs := blocks[k][:0]
			for ci := int(h); ; {
				b, err := r.block(g, ci)
				if err != nil {
					return fmt.Errorf("parquet %s: row group %d property %q: %w", r.name, g, r.cols[h].prop.Name, err)
				}
				bs = append(bs, b)
				if ci = r.alt[ci]; ci < 0 || ci == int(h) {
					break
				}
			}
			blocks[k] = bs
		}
		if len(blocks) == 1 && len(blocks[0]) == 1 && blocks[0][0].hot == hotDouble {
			// One property of doubles without nulls, the common scan:
			// a typed load a row.
			for j, x := range blocks[0][0].f64[i : i+int(n)] {
				vals[0].Type, vals[0].Num, has[0] = formats.Double, x, true
				if err := fn(formats.PrimHandle(row+int64(j)), vals, has); err != nil {
					return err
				}
			}
			row += n
			continue
		}
		for j := i; j < i+int(n); j++ {
			for k, bs := range blocks {
				if b := bs[0]; b.null == nil {
					// The common scalars inline, as in GetHandle.
					switch b.typ {
					case formats.Double:
						vals[k].Type, vals[k].Num, has[k] = formats.Double, b.f64[j], true
						continue
					case formats.String, formats.Token, formats.Asset:
						vals[k].Type, vals[k].Str, has[k] = b.typ, b.strs[j], true
						continue
					}
				}
				has[k] = false
				for _, b := range bs {
					if b.null != nil && b.null[j] {
						continue
					}
					if err := b.value(j, &vals[k]); err != nil {
						return fmt.Errorf("parquet %s: prim at row %d property %q: %w", r.name, row+int64(j-i), r.cols[properties[k]].prop.Name, err)
					}
					has[k] = true
					break
				}
			}
			if err := fn(formats.PrimHandle(row+int64(j-i)), vals, has); err != nil {
				return err
			}
		}
		row += n
	}
	return nil
}
