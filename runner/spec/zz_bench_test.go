package spec

import "testing"

func BenchmarkZZEmpty(b *testing.B) {
	opts := Options{Vars: []string{}, loadElements: MaxLoadElements / 200, loadBytes: MaxLoadBytes / 200}
	for _, s := range []string{"", "a = 1\n", "locals {\n  x = 1 + 2\n}\n"} {
		b.Run("", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				LoadSources([]Source{{Name: "fuzz.hcl", Bytes: []byte(s)}}, opts)
			}
		})
	}
	for _, s := range fuzzSeeds() {
		b.Run("seed", func(b *testing.B) {
			for b.Loop() {
				LoadSources([]Source{{Name: "fuzz.hcl", Bytes: []byte(s)}}, opts)
			}
		})
	}
}
