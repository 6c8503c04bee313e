package sdf

import "strconv"

// A DataNotation spells typed data as text: USDA (usdaData) or JSON
// (jsonData).
type DataNotation struct {
	// Float writes a floating-point scalar of the given bits (64, 32, 16).
	Float func(dst []byte, x float64, bits int) []byte
	// Text writes a string, token, asset path or path expression.
	Text func(dst []byte, s Scalar, str string) []byte
	// Bool spells false and true.
	Bool [2]string
	// Open and Close go around a tuple (and a matrix and its rows), AOpen
	// and AClose around an array; Sep between components and elements.
	Open, Close   byte
	AOpen, AClose byte
	Sep           string
	// MatrixSpace pads a matrix's outer parentheses with spaces, as USDA
	// writes "( (1, 0), (0, 1) )".
	MatrixSpace bool
}

// AppendData appends typed data in notation n.
func AppendData(dst []byte, d *Data, n *DataNotation) []byte {
	if !d.VT.Array {
		if d.Len() == 0 {
			return append(dst, "null"...)
		}
		return n.element(dst, d, 0)
	}
	dst = append(dst, n.AOpen)
	for i := range d.Len() {
		if i > 0 {
			dst = append(dst, n.Sep...)
		}
		dst = n.element(dst, d, i)
	}
	return append(dst, n.AClose)
}

// element writes element i: a scalar, a tuple, or a matrix as rows.
func (n *DataNotation) element(dst []byte, d *Data, i int) []byte {
	w := d.VT.Width
	at := i * w
	switch {
	case w == 1:
		return n.scalar(dst, d, at)
	case d.VT.Matrix:
		rows := 2
		if w == 9 {
			rows = 3
		} else if w == 16 {
			rows = 4
		}
		dst = append(dst, n.Open)
		if n.MatrixSpace {
			dst = append(dst, ' ')
		}
		for r := range rows {
			if r > 0 {
				dst = append(dst, n.Sep...)
			}
			dst = n.tuple(dst, d, at+r*rows, rows)
		}
		if n.MatrixSpace {
			dst = append(dst, ' ')
		}
		return append(dst, n.Close)
	}
	return n.tuple(dst, d, at, w)
}

func (n *DataNotation) tuple(dst []byte, d *Data, at, w int) []byte {
	dst = append(dst, n.Open)
	for k := range w {
		if k > 0 {
			dst = append(dst, n.Sep...)
		}
		dst = n.scalar(dst, d, at+k)
	}
	return append(dst, n.Close)
}

func (n *DataNotation) scalar(dst []byte, d *Data, k int) []byte {
	s := d.VT.Scalar
	switch {
	case s.IsFloat():
		return n.Float(dst, d.Nums[k], s.Bits())
	case s == UInt64:
		return strconv.AppendUint(dst, uint64(d.Ints[k]), 10)
	case s.IsInt():
		return strconv.AppendInt(dst, d.Ints[k], 10)
	case s == Bool:
		if d.Bools[k] {
			return append(dst, n.Bool[1]...)
		}
		return append(dst, n.Bool[0]...)
	case s.IsText():
		return n.Text(dst, s, d.Strs[k])
	}
	return append(dst, "null"...)
}
