package dataset

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
)

// allPaths generates cfg (with one cheap property) and returns its paths.
func allPaths(t testing.TB, cfg Config) []string {
	t.Helper()
	cfg.Schema = "none"
	cfg.Properties = []PropertyConfig{prop("x", "int", "constant(0)")}
	var paths []string
	err := Generate(cfg, 7, func(b *formats.Batch) error {
		paths = append(paths, b.Paths...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

func TestHierarchyPaths(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want map[int]string // prim index -> path
		n    int            // expected count (cfg.Prims)
	}{
		{"flat", Config{Prims: 3}, map[int]string{0: "/World/Prim_0", 1: "/World/Prim_1", 2: "/World/Prim_2"}, 3},
		// Fewer than 100 prims: one component per room, rooms filled in
		// order, no extras.
		{"deep 12", Config{Prims: 12, Hierarchy: "deep"}, map[int]string{
			0:  "/World/Zone_0/Level_0/Room_0/Component_0",
			9:  "/World/Zone_0/Level_0/Room_9/Component_0",
			10: "/World/Zone_0/Level_1/Room_0/Component_0",
			11: "/World/Zone_0/Level_1/Room_1/Component_0",
		}, 12},
		// 150: zones 1, components per room 1, 100 in rooms, 50 extra.
		{"deep 150", Config{Prims: 150, Hierarchy: "deep"}, map[int]string{
			99:  "/World/Zone_0/Level_9/Room_9/Component_0",
			100: "/World/Extra/Prim_100",
			149: "/World/Extra/Prim_149",
		}, 150},
		// 1000: zones 1, 10 components per room, no extras.
		{"deep 1000", Config{Prims: 1000, Hierarchy: "deep"}, map[int]string{
			0:   "/World/Zone_0/Level_0/Room_0/Component_0",
			9:   "/World/Zone_0/Level_0/Room_0/Component_9",
			10:  "/World/Zone_0/Level_0/Room_1/Component_0",
			100: "/World/Zone_0/Level_1/Room_0/Component_0",
			999: "/World/Zone_0/Level_9/Room_9/Component_9",
		}, 1000},
		// 2500: zones 2, 12 components per room, 2400 in rooms, 100 extra.
		{"deep 2500", Config{Prims: 2500, Hierarchy: "deep"}, map[int]string{
			11:   "/World/Zone_0/Level_0/Room_0/Component_11",
			12:   "/World/Zone_0/Level_0/Room_1/Component_0",
			119:  "/World/Zone_0/Level_0/Room_9/Component_11",
			120:  "/World/Zone_0/Level_1/Room_0/Component_0",
			1199: "/World/Zone_0/Level_9/Room_9/Component_11",
			1200: "/World/Zone_1/Level_0/Room_0/Component_0",
			2399: "/World/Zone_1/Level_9/Room_9/Component_11",
			2400: "/World/Extra/Prim_2400",
			2499: "/World/Extra/Prim_2499",
		}, 2500},
		{"balanced depth 1", Config{Prims: 3, Hierarchy: "balanced", Depth: 1, Fanout: 3}, map[int]string{
			0: "/World/Prim_0", 2: "/World/Prim_2",
		}, 3},
		{"balanced depth 3 fanout 2", Config{Prims: 5, Hierarchy: "balanced", Depth: 3, Fanout: 2}, map[int]string{
			0: "/World/Node_0/Node_0/Prim_0",
			1: "/World/Node_0/Node_0/Prim_1",
			2: "/World/Node_0/Node_1/Prim_2",
			3: "/World/Node_0/Node_1/Prim_3",
			4: "/World/Node_1/Node_0/Prim_4",
		}, 5},
		{"balanced deep and wide", Config{Prims: 4, Hierarchy: "balanced", Depth: 32, Fanout: 1000}, map[int]string{
			3: "/World" + strings.Repeat("/Node_0", 31) + "/Prim_3",
		}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths := allPaths(t, tt.cfg)
			if len(paths) != tt.n {
				t.Fatalf("%d paths, want %d", len(paths), tt.n)
			}
			for i, want := range tt.want {
				if paths[i] != want {
					t.Errorf("path %d = %s, want %s", i, paths[i], want)
				}
			}
		})
	}
}

func TestDeepShapeRule(t *testing.T) {
	for _, n := range []int{1, 99, 100, 101, 999, 1000, 1001, 1999, 2000, 10000, 12345, 100000, 1000000} {
		zones, perRoom, inRooms := deepShape(n)
		wantZones := max(1, n/1000)
		wantPer := n / (wantZones * 100)
		if zones != wantZones {
			t.Errorf("prims %d: zones %d, want %d", n, zones, wantZones)
		}
		if wantPer >= 1 && (perRoom != wantPer || inRooms != wantZones*100*wantPer) {
			t.Errorf("prims %d: %d per room, %d in rooms; want %d, %d", n, perRoom, inRooms, wantPer, wantZones*100*wantPer)
		}
		if wantPer == 0 && (perRoom != 1 || inRooms != n) {
			t.Errorf("prims %d (<100): %d per room, %d in rooms; want 1, %d", n, perRoom, inRooms, n)
		}
	}
}

// Paths are unique and no leaf is the ancestor of another leaf.
func TestPathsUnique(t *testing.T) {
	cfgs := []Config{
		{Prims: 2345, Hierarchy: "flat"},
		{Prims: 2345, Hierarchy: "deep"},
		{Prims: 57, Hierarchy: "deep"},
		{Prims: 1000, Hierarchy: "balanced", Depth: 3, Fanout: 10},
		{Prims: 700, Hierarchy: "balanced", Depth: 4, Fanout: 7},
	}
	for _, cfg := range cfgs {
		t.Run(fmt.Sprintf("%s-%d", cfg.Hierarchy, cfg.Prims), func(t *testing.T) {
			seen := map[string]bool{}
			for _, p := range allPaths(t, cfg) {
				if seen[p] {
					t.Fatalf("duplicate path %s", p)
				}
				seen[p] = true
			}
			for p := range seen {
				for a := p; a != "/World"; a = a[:strings.LastIndexByte(a, '/')] {
					if a != p && seen[a] {
						t.Fatalf("leaf %s is an ancestor of leaf %s", a, p)
					}
				}
			}
		})
	}
}
