package sdf

import "testing"

func TestDictionaryOrder(t *testing.T) {
	// The order OpenUSD writes these names in (checked against usd-core).
	want := []string{"_x", "a", "a1", "a01", "a2", "a10", "a_1", "ab_c", "abC", "B", "z", "Z1"}
	for i := range want {
		for j := range want {
			if got := DictionaryLess(want[i], want[j]); got != (i < j) {
				t.Errorf("DictionaryLess(%q, %q) = %v", want[i], want[j], got)
			}
		}
	}
	if !DictionaryLess("Albert", "albert") || DictionaryLess("albert", "Albert") {
		t.Error("upper case should break ties first")
	}
}
