package parquet

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/scenebench/runner/formats"
)

// pathColumn is the name of the column holding each row's prim path, as the
// OpenUSD Parquet plugin names it.
const pathColumn = "path"

// sceneKey is the file key/value metadata entry holding the scene
// description (fileScene as JSON). pyarrow shows it as
// pq.ParquetFile(f).metadata.metadata[b"scenebench.scene"].
const sceneKey = "scenebench.scene"

// fileScene is what a file records about its scene, in the key/value
// metadata and again in the index region so that a lazy open can read it
// without parsing the footer.
type fileScene struct {
	formats.SceneInfo
	// RowGroupSize is the writer's rows per row group (every row group but
	// the last holds exactly this many rows).
	RowGroupSize int64 `json:"row_group_size"`
	// CreatedBy repeats the footer's created_by, which arrow-go needs to
	// interpret a row group's metadata read on its own.
	CreatedBy string `json:"created_by,omitempty"`
}

func (s *fileScene) marshal() ([]byte, error) { return json.Marshal(s) }

func parseScene(b []byte) (*fileScene, error) {
	var s fileScene
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("scene metadata: %w", err)
	}
	for i, p := range s.Properties {
		if p.Type == formats.Invalid {
			return nil, fmt.Errorf("scene metadata: property %d (%q) has no type", i, p.Name)
		}
	}
	return &s, nil
}

// arrowField maps a property to its Arrow field. The Parquet schema is
// derived from these by pqarrow.ToParquet, and the Arrow schema is stored in
// the file (ARROW:schema) so that Arrow readers see float3 and double3 as
// fixed_size_list<3> rather than plain lists. Every field and list element
// is non-nullable: a scene has a value for every property of every prim.
func arrowField(p formats.Property) (arrow.Field, error) {
	elem := func(t arrow.DataType) arrow.Field { return arrow.Field{Name: "element", Type: t} }
	var t arrow.DataType
	switch p.Type {
	case formats.Double:
		t = arrow.PrimitiveTypes.Float64
	case formats.Float:
		t = arrow.PrimitiveTypes.Float32
	case formats.Int:
		t = arrow.PrimitiveTypes.Int32
	case formats.Int64:
		t = arrow.PrimitiveTypes.Int64
	case formats.Bool:
		t = arrow.FixedWidthTypes.Boolean
	case formats.String, formats.Token:
		t = arrow.BinaryTypes.String
	case formats.Float3:
		t = arrow.FixedSizeListOfField(3, elem(arrow.PrimitiveTypes.Float32))
	case formats.Double3:
		t = arrow.FixedSizeListOfField(3, elem(arrow.PrimitiveTypes.Float64))
	case formats.DoubleArray:
		t = arrow.ListOfField(elem(arrow.PrimitiveTypes.Float64))
	case formats.FloatArray:
		t = arrow.ListOfField(elem(arrow.PrimitiveTypes.Float32))
	case formats.IntArray:
		t = arrow.ListOfField(elem(arrow.PrimitiveTypes.Int32))
	case formats.Float3Array:
		t = arrow.ListOfField(elem(arrow.FixedSizeListOfField(3, elem(arrow.PrimitiveTypes.Float32))))
	default:
		return arrow.Field{}, fmt.Errorf("property %q has unsupported type %s", p.Name, p.Type)
	}
	return arrow.Field{Name: p.Name, Type: t}, nil
}

// buildSchema returns the Parquet schema for a scene (path first, then one
// column per property) and the base64 Arrow schema to store beside it.
func buildSchema(props []formats.Property, wp *pq.WriterProperties) (*schema.Schema, string, error) {
	fields := []arrow.Field{{Name: pathColumn, Type: arrow.BinaryTypes.String}}
	seen := map[string]bool{pathColumn: true}
	for _, p := range props {
		if seen[p.Name] {
			if p.Name == pathColumn {
				return nil, "", fmt.Errorf("property name %q is reserved for the prim path column", p.Name)
			}
			return nil, "", fmt.Errorf("duplicate property %q", p.Name)
		}
		seen[p.Name] = true
		f, err := arrowField(p)
		if err != nil {
			return nil, "", err
		}
		fields = append(fields, f)
	}
	as := arrow.NewSchema(fields, nil)
	sc, err := pqarrow.ToParquet(as, wp, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, "", fmt.Errorf("parquet schema: %w", err)
	}
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(as), ipc.WithAllocator(memory.DefaultAllocator))
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("arrow schema: %w", err)
	}
	return sc, base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// column describes how one property is stored: its leaf column and the
// definition/repetition levels needed to rebuild values from it.
type column struct {
	prop formats.Property
	leaf int
	// shape is the value shape found in the file: the scalar types, or
	// DoubleArray/FloatArray/IntArray/Float3Array for lists (a float3
	// stored as a 3-element list has shape FloatArray).
	shape   formats.Type
	maxDef  int16
	maxRep  int16
	repDefs [2]int16 // definition level reached at the 1st and 2nd repeated node
}

// fileColumns maps the file's schema to the path column and one column per
// top-level field. declared, when non-nil, gives the USD types the writer
// recorded; each must agree with the stored shape.
func fileColumns(sc *schema.Schema, declared []formats.Property) (pathCol column, cols []column, err error) {
	pathLeaf := -1
	root := sc.Root()
	// The first leaf of each top-level field.
	firstLeaf := make([]int, root.NumFields())
	for i := range firstLeaf {
		firstLeaf[i] = -1
	}
	for i := 0; i < sc.NumColumns(); i++ {
		top := sc.ColumnRoot(i)
		idx := root.FieldIndexByName(top.Name())
		if idx < 0 {
			return pathCol, nil, fmt.Errorf("column %d has no top-level field", i)
		}
		if firstLeaf[idx] >= 0 {
			return pathCol, nil, fmt.Errorf("column %q has more than one leaf, which no scene property uses", top.Name())
		}
		firstLeaf[idx] = i
	}
	byName := map[string]column{}
	var order []string
	for fi := 0; fi < root.NumFields(); fi++ {
		f := root.Field(fi)
		leaf := firstLeaf[fi]
		if leaf < 0 {
			return pathCol, nil, fmt.Errorf("column %q holds no values", f.Name())
		}
		if f.Name() == pathColumn {
			d := sc.Column(leaf)
			if d.PhysicalType() != pq.Types.ByteArray || d.MaxRepetitionLevel() != 0 {
				return pathCol, nil, fmt.Errorf("column %q is %s, not a string column", pathColumn, d.PhysicalType())
			}
			pathLeaf = leaf
			pathCol = column{prop: formats.Property{Name: pathColumn, Type: formats.String}, shape: formats.String,
				leaf: leaf, maxDef: d.MaxDefinitionLevel()}
			continue
		}
		c, err := columnShape(sc, leaf)
		if err != nil {
			return pathCol, nil, fmt.Errorf("column %q: %w", f.Name(), err)
		}
		c.prop = formats.Property{Name: f.Name(), Type: c.shape}
		byName[f.Name()] = c
		order = append(order, f.Name())
	}
	if pathLeaf < 0 {
		return pathCol, nil, fmt.Errorf("no %q column", pathColumn)
	}
	if declared == nil {
		for _, n := range order {
			cols = append(cols, byName[n])
		}
		return pathCol, cols, nil
	}
	for _, p := range declared {
		c, ok := byName[p.Name]
		if !ok {
			return pathCol, nil, fmt.Errorf("property %q (%s) has no column", p.Name, p.Type)
		}
		if !shapeFits(p.Type, c.shape) {
			return pathCol, nil, fmt.Errorf("property %q is declared %s but its column holds %s", p.Name, p.Type, c.shape)
		}
		c.prop = p
		cols = append(cols, c)
	}
	return pathCol, cols, nil
}

// shapeFits reports whether values of USD type t can be read from a column
// of the given shape.
func shapeFits(t, shape formats.Type) bool {
	switch t {
	case formats.Token:
		return shape == formats.String
	case formats.Float3:
		return shape == formats.FloatArray
	case formats.Double3:
		return shape == formats.DoubleArray
	}
	return t == shape
}

// columnShape works out what a leaf column holds by walking its schema path.
func columnShape(sc *schema.Schema, leaf int) (column, error) {
	d := sc.Column(leaf)
	c := column{leaf: leaf, maxDef: d.MaxDefinitionLevel(), maxRep: d.MaxRepetitionLevel()}
	if c.maxRep > 2 {
		return c, fmt.Errorf("nested %d levels deep", c.maxRep)
	}
	// Walk from the root down to the leaf, counting levels.
	var nodes []schema.Node
	for n := schema.Node(d.SchemaNode()); n != nil && n.Parent() != nil; n = n.Parent() {
		nodes = append([]schema.Node{n}, nodes...)
	}
	var def int16
	reps := 0
	for _, n := range nodes {
		switch n.RepetitionType() {
		case pq.Repetitions.Optional:
			def++
		case pq.Repetitions.Repeated:
			def++
			if reps < 2 {
				c.repDefs[reps] = def
			}
			reps++
		}
	}
	var elem formats.Type
	switch d.PhysicalType() {
	case pq.Types.Double:
		elem = formats.Double
	case pq.Types.Float:
		elem = formats.Float
	case pq.Types.Int32:
		if lt := d.LogicalType(); lt != nil && !lt.IsNone() {
			if it, ok := lt.(schema.IntLogicalType); !ok || it.BitWidth() != 32 || !it.IsSigned() {
				return c, fmt.Errorf("unsupported INT32 logical type %s", lt)
			}
		}
		elem = formats.Int
	case pq.Types.Int64:
		if lt := d.LogicalType(); lt != nil && !lt.IsNone() {
			if it, ok := lt.(schema.IntLogicalType); !ok || it.BitWidth() != 64 || !it.IsSigned() {
				return c, fmt.Errorf("unsupported INT64 logical type %s", lt)
			}
		}
		elem = formats.Int64
	case pq.Types.Boolean:
		elem = formats.Bool
	case pq.Types.ByteArray:
		lt := d.LogicalType()
		if _, ok := lt.(schema.StringLogicalType); !ok && d.ConvertedType() != schema.ConvertedTypes.UTF8 {
			return c, fmt.Errorf("BYTE_ARRAY without the UTF8/String annotation")
		}
		elem = formats.String
	default:
		return c, fmt.Errorf("unsupported physical type %s", d.PhysicalType())
	}
	switch c.maxRep {
	case 0:
		c.shape = elem
	case 1:
		c.shape = formats.ArrayOf(elem)
		if c.shape == formats.Invalid {
			return c, fmt.Errorf("unsupported list of %s", elem)
		}
	case 2:
		if elem != formats.Float {
			return c, fmt.Errorf("unsupported list of lists of %s", elem)
		}
		c.shape = formats.Float3Array
	}
	return c, nil
}
