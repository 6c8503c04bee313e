package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/results"
)

// wishSpec runs the wish list's reads on every Go reader, in runner's own
// process so that the race detector (go test -race) watches the threads
// of every format's reader.
const wishSpec = `settings {
  warmup  = 0
  repeat  = 2
  isolate = "none"
  data_dir = %q
}

dataset "flat" {
  prims   = 1500
  payload = false
}

format "usdc" {}

format "usda" {}

format "parquet" {
  row_group_size = 200
  cache_budget   = [0, 4096]
}

scenario "threads" {
  step "open" {}
  step "get" {
    prim       = "middle"
    properties = ["cost", "supplier_id"]
    times      = 20
    threads    = [1, 4]
  }
  step "traverse" {
    properties = ["cost", "is_active", "material_code"]
    threads    = [1, 4]
  }
}

scenario "sparse" {
  step "open" {}
  step "traverse" {
    property = "weight"
    fraction = 0.02
    seed     = 3
  }
  step "traverse" {
    property = "weight"
    fraction = 0.02
    seed     = 3
    order    = "random"
    threads  = 3
  }
}

scenario "session" {
  step "open" {}
  step "mix" {
    rounds               = 3
    point_reads          = 25
    traversal_properties = ["cost"]
    seed                 = 5
  }
  step "mix" {
    rounds             = 2
    point_reads        = 4
    point_properties   = ["lifespan"]
    traversal_fraction = 0.1
  }
}

report {
  baseline = "usdc"
}
`

// Threaded gets and traversals, sparse traversals and mixed sessions on
// every Go reader: every cell ok, every format agreeing, a get's digest the
// same on 4 threads as on one, a mix timed whole and per kind.
func TestWishListReads(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "wish.hcl", fmt.Sprintf(wishSpec, filepath.Join(dir, "data")))
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCmd(t, "apply", "-out", out, spec)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	f, err := results.ReadFile(filepath.Join(out, exec.ResultsName))
	if err != nil {
		t.Fatal(err)
	}
	digests := map[string]string{} // scenario/step -> digest
	for _, c := range f.Cells {
		if c.Status != results.StatusOK {
			t.Errorf("%s: %s %s", c.ID, c.Status, c.Error)
		}
		for _, s := range c.Steps {
			if s.Digest != "" {
				digests[c.Scenario+"/"+s.Name] = s.Digest
			}
			if s.Op == "mix" {
				if len(s.Parts) != 2 || s.Parts[0].Name != ops.PartTraversal || s.Parts[1].Name != ops.PartPoint {
					t.Errorf("%s step %s: parts %+v", c.ID, s.Name, s.Parts)
					continue
				}
				whole := s.Stats.MedianNS
				if tr := s.Parts[0]; tr.Ops != 3 && tr.Ops != 2 || tr.Stats.MedianNS <= 0 || tr.Stats.MedianNS*float64(tr.Ops) > whole*1.01 {
					t.Errorf("%s step %s: traversal part %+v of a whole %.0f ns", c.ID, s.Name, tr, whole)
				}
			}
		}
	}
	if digests["threads-t1/get"] == "" || digests["threads-t1/get"] != digests["threads-t4/get"] {
		t.Errorf("a get's digest on 1 and 4 threads: %s, %s", digests["threads-t1/get"], digests["threads-t4/get"])
	}
	if digests["threads-t1/traverse"] == digests["threads-t4/traverse"] {
		t.Error("a traversal on 4 threads digests its chunks, not the one-thread order")
	}
	var sc []string
	for _, s := range f.Scenarios {
		sc = append(sc, s.Name+":"+s.Base)
	}
	if got := strings.Join(sc, " "); got != "threads-t1:threads threads-t4:threads sparse: session:" {
		t.Errorf("scenarios %s", got)
	}
	if n := len(f.Cells); n != 5*4 { // usdc, its A/A control, usda, two parquet variants x 4 scenarios
		t.Errorf("%d cells", n)
	}
}
