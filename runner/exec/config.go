package exec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/plan"
)

// cellConfig is everything that decides what a cell measures: the dataset
// as resolved (variables applied), the format variant with its options and
// reader, the driver's command, environment and options, the scenario's
// steps with their arguments, the settings that shape the samples, and the
// runner build. Resume reuses a journaled cell only when it is the same.
type cellConfig struct {
	Runner   string       `json:"runner"`
	ID       string       `json:"id"`
	Dataset  any          `json:"dataset"`
	Format   any          `json:"format"`
	Driver   *plan.Driver `json:"driver,omitempty"`
	Scenario any          `json:"scenario"`
	Warmup   int          `json:"warmup"`
	Repeat   int          `json:"repeat"`
	Isolate  string       `json:"isolate"`
	Cache    string       `json:"cache"`
	Timeout  int64        `json:"timeout"`
	// MemoryLimit is the cell's limit in bytes (plan.MemoryLimit).
	MemoryLimit int64 `json:"memory_limit,omitempty"`
}

// configHash is the SHA-256 of c's cellConfig under settings set.
func configHash(p *plan.Plan, set plan.Settings, c *plan.Cell) string {
	ver, commit := measure.BuildVersion()
	cc := cellConfig{Runner: ver + " " + commit, ID: c.ID, Dataset: c.Dataset, Format: c.Format, Scenario: c.Scenario,
		Warmup: set.Warmup, Repeat: set.Repeat, Isolate: set.Isolate, Cache: set.Cache, Timeout: int64(set.Timeout),
		MemoryLimit: p.MemoryLimit(c)}
	for i := range p.Drivers {
		if p.Drivers[i].Name == c.Format.Reader {
			cc.Driver = &p.Drivers[i]
		}
	}
	b, err := json.Marshal(cc)
	if err != nil {
		panic("exec: cell configuration does not marshal: " + err.Error()) // plain data: cannot happen
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
