package spec

import "github.com/hashicorp/hcl/v2"

// The gohcl schema of a spec file. Attributes are kept as *hcl.Attribute so
// that the loader evaluates them itself: it needs their ranges for
// diagnostics and accepts lists wherever a sweep is allowed.

type fileBody struct {
	Variables []*variableBlock `hcl:"variable,block"`
	Locals    []*localsBlock   `hcl:"locals,block"`
	Settings  []*settingsBlock `hcl:"settings,block"`
	Drivers   []*driverBlock   `hcl:"driver,block"`
	Datasets  []*datasetBlock  `hcl:"dataset,block"`
	Formats   []*formatBlock   `hcl:"format,block"`
	Scenarios []*scenarioBlock `hcl:"scenario,block"`
	Reports   []*reportBlock   `hcl:"report,block"`
}

type variableBlock struct {
	Name        string         `hcl:"name,label"`
	Type        *hcl.Attribute `hcl:"type"`
	Default     *hcl.Attribute `hcl:"default"`
	Description *hcl.Attribute `hcl:"description"`
	DefRange    hcl.Range      `hcl:",def_range"`
}

type localsBlock struct {
	Body hcl.Body `hcl:",remain"`
}

type settingsBlock struct {
	Warmup  *hcl.Attribute `hcl:"warmup"`
	Repeat  *hcl.Attribute `hcl:"repeat"`
	Isolate *hcl.Attribute `hcl:"isolate"`
	Cache   *hcl.Attribute `hcl:"cache"`
	Order   *hcl.Attribute `hcl:"order"`
	Timeout *hcl.Attribute `hcl:"timeout"`
	DataDir *hcl.Attribute `hcl:"data_dir"`
	Out     *hcl.Attribute `hcl:"out"`
	Shards  *hcl.Attribute `hcl:"shards"`
	// MemoryLimit is one size for every reader process (memory.go).
	MemoryLimit *hcl.Attribute `hcl:"memory_limit"`
	Pin         *hcl.Attribute `hcl:"pin"`
	DefRange    hcl.Range      `hcl:",def_range"`
}

type datasetBlock struct {
	Name       string           `hcl:"name,label"`
	Prims      *hcl.Attribute   `hcl:"prims"`
	Hierarchy  *hcl.Attribute   `hcl:"hierarchy"`
	Depth      *hcl.Attribute   `hcl:"depth"`
	Fanout     *hcl.Attribute   `hcl:"fanout"`
	Seed       *hcl.Attribute   `hcl:"seed"`
	Schema     *hcl.Attribute   `hcl:"schema"`
	Payload    *hcl.Attribute   `hcl:"payload"`
	Source     *hcl.Attribute   `hcl:"source"`
	Properties []*propertyBlock `hcl:"property,block"`
	DefRange   hcl.Range        `hcl:",def_range"`
}

type propertyBlock struct {
	Name      string         `hcl:"name,label"`
	Type      *hcl.Attribute `hcl:"type"`
	Length    *hcl.Attribute `hcl:"length"`
	Generator *hcl.Attribute `hcl:"generator"`
	Samples   *hcl.Attribute `hcl:"samples"`
	TimeStart *hcl.Attribute `hcl:"time_start"`
	TimeStep  *hcl.Attribute `hcl:"time_step"`
	DefRange  hcl.Range      `hcl:",def_range"`
}

type driverBlock struct {
	Name     string         `hcl:"name,label"`
	Uses     *hcl.Attribute `hcl:"uses"`
	Command  *hcl.Attribute `hcl:"command"`
	Env      *hcl.Attribute `hcl:"env"`
	Options  *hcl.Attribute `hcl:"options"`
	DefRange hcl.Range      `hcl:",def_range"`
}

type formatBlock struct {
	Label    string         `hcl:"label,label"`
	Type     *hcl.Attribute `hcl:"type"`
	Options  hcl.Body       `hcl:",remain"`
	DefRange hcl.Range      `hcl:",def_range"`
}

type scenarioBlock struct {
	Name        string         `hcl:"name,label"`
	Description *hcl.Attribute `hcl:"description"`
	// MemoryLimit is a size or a list of sizes to sweep (memory.go).
	MemoryLimit *hcl.Attribute `hcl:"memory_limit"`
	Steps       []*stepBlock   `hcl:"step,block"`
	DefRange    hcl.Range      `hcl:",def_range"`
}

type stepBlock struct {
	Op       string    `hcl:"op,label"`
	Body     hcl.Body  `hcl:",remain"`
	DefRange hcl.Range `hcl:",def_range"`
}

type reportBlock struct {
	Baseline    *hcl.Attribute `hcl:"baseline"`
	Outputs     *hcl.Attribute `hcl:"outputs"`
	Title       *hcl.Attribute `hcl:"title"`
	Description *hcl.Attribute `hcl:"description"`
	Control     *hcl.Attribute `hcl:"control"`
	Glance      []*glanceBlock `hcl:"glance,block"`
	DefRange    hcl.Range      `hcl:",def_range"`
}

// glanceBlock names the rows of "Results at a glance".
type glanceBlock struct {
	Rows     []*glanceRowBlock `hcl:"row,block"`
	DefRange hcl.Range         `hcl:",def_range"`
}

type glanceRowBlock struct {
	Label    string         `hcl:"label,label"`
	Scenario *hcl.Attribute `hcl:"scenario"`
	Step     *hcl.Attribute `hcl:"step"`
	Metric   *hcl.Attribute `hcl:"metric"`
	DefRange hcl.Range      `hcl:",def_range"`
}
