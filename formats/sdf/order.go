package sdf

// DictionaryLess orders names the way OpenUSD orders the properties of a
// prim when it writes a text layer (TfDictionaryLessThan): letters compare
// case-insensitively, runs of digits compare by numeric value, and only when
// two names are otherwise equal do fewer leading zeros, then upper case,
// come first.
func DictionaryLess(a, b string) bool {
	return dictionaryCompare(a, b) < 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func dictionaryCompare(a, b string) int {
	caseTie, zeroTie := 0, 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			i0, j0 := i, j
			for i < len(a) && a[i] == '0' {
				i++
			}
			for j < len(b) && b[j] == '0' {
				j++
			}
			if zeroTie == 0 {
				zeroTie = (i - i0) - (j - j0)
			}
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			if n, m := i-si, j-sj; n != m {
				return n - m
			}
			for k := 0; k < i-si; k++ {
				if a[si+k] != b[sj+k] {
					return int(a[si+k]) - int(b[sj+k])
				}
			}
			continue
		}
		if a[i] != b[j] {
			la, lb := lower(a[i]), lower(b[j])
			if la != lb {
				return int(la) - int(lb)
			}
			if caseTie == 0 {
				caseTie = int(a[i]) - int(b[j])
			}
		}
		i++
		j++
	}
	if rest := (len(a) - i) - (len(b) - j); rest != 0 {
		return rest
	}
	if zeroTie != 0 {
		return zeroTie
	}
	return caseTie
}
