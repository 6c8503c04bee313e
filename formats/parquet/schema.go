package parquet

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
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

// arrowScalar is the Arrow type of one scalar of kind k.
func arrowScalar(k formats.Kind) arrow.DataType {
	switch k {
	case formats.KindDouble:
		return arrow.PrimitiveTypes.Float64
	case formats.KindFloat:
		return arrow.PrimitiveTypes.Float32
	case formats.KindHalf:
		return arrow.FixedWidthTypes.Float16
	case formats.KindInt:
		return arrow.PrimitiveTypes.Int32
	case formats.KindInt64:
		return arrow.PrimitiveTypes.Int64
	case formats.KindBool:
		return arrow.FixedWidthTypes.Boolean
	case formats.KindString:
		return arrow.BinaryTypes.String
	}
	return nil
}

// arrowField maps a property to its Arrow field: a scalar to its Arrow
// scalar (half to float16; string, token and asset to UTF8), a vector,
// quaternion or matrix to a fixed_size_list of its components, an array to
// a list of its elements. The Parquet schema is the one pqarrow.ToParquet
// derives from these (parquetSchema), and the Arrow schema is stored in the file
// (ARROW:schema) so that Arrow readers see the fixed-size lists rather
// than plain lists. A property every prim has is non-nullable, a sparse one
// nullable (a prim without a value is a null); list elements are never
// null.
func arrowField(p formats.Property, name string) (arrow.Field, error) {
	elem := func(t arrow.DataType) arrow.Field { return arrow.Field{Name: "element", Type: t} }
	if !p.Type.Valid() {
		return arrow.Field{}, fmt.Errorf("property %q has unsupported type %s", p.Name, p.Type)
	}
	t := arrowScalar(p.Type.Kind())
	if w := p.Type.Width(); w > 1 {
		t = arrow.FixedSizeListOfField(int32(w), elem(t))
	}
	if p.Type.IsArray() {
		t = arrow.ListOfField(elem(t))
	}
	return arrow.Field{Name: name, Type: t, Nullable: p.Sparse}, nil
}

// columnNames names the column of each property: its name, or for a name
// that an earlier property already has (the same name with another type),
// "name#type" ("radius#float"), which no USD property name can be.
func columnNames(props []formats.Property) []string {
	names := make([]string, len(props))
	seen := map[string]bool{}
	for i, p := range props {
		names[i] = p.Name
		if seen[p.Name] {
			names[i] = p.Name + "#" + p.Type.String()
		}
		seen[p.Name] = true
	}
	return names
}

// sampleColumn names the column of sample k of the property whose own
// column is name: "name@k" (k decimal from 0), which no USD property name
// can be.
func sampleColumn(name string, k int) string { return name + "@" + strconv.Itoa(k) }

// buildSchema returns the Parquet schema for a scene (path first, then one
// column per property, each animated property's followed by one column per
// time sample, sampleColumn) and the base64 Arrow schema to store beside
// it.
func buildSchema(props []formats.Property, wp *pq.WriterProperties) (*schema.Schema, string, error) {
	fields := []arrow.Field{{Name: pathColumn, Type: arrow.BinaryTypes.String}}
	seen := map[string]bool{pathColumn: true}
	for i, name := range columnNames(props) {
		p := props[i]
		if seen[name] {
			if name == pathColumn {
				return nil, "", fmt.Errorf("property name %q is reserved for the prim path column", p.Name)
			}
			return nil, "", fmt.Errorf("duplicate property %s %q", p.Type, p.Name)
		}
		seen[name] = true
		if err := p.Samples.Check(); err != nil {
			return nil, "", fmt.Errorf("property %q: %w", p.Name, err)
		}
		for k := -1; k < p.Samples.Count; k++ {
			n := name
			if k >= 0 {
				n = sampleColumn(name, k)
				if seen[n] {
					return nil, "", fmt.Errorf("property %q: column name %q of its sample %d is taken", p.Name, n, k)
				}
				seen[n] = true
			}
			f, err := arrowField(p, n)
			if err != nil {
				return nil, "", err
			}
			fields = append(fields, f)
		}
	}
	as := arrow.NewSchema(fields, nil)
	sc, err := parquetSchema(props, wp)
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

// parquetSchema builds the Parquet schema of a scene directly: the schema
// pqarrow.ToParquet derives from the Arrow fields arrowField gives (a test
// checks that they are equal), without linking pqarrow, which brings in
// Arrow Flight and gRPC.
func parquetSchema(props []formats.Property, wp *pq.WriterProperties) (*schema.Schema, error) {
	path, err := schema.NewPrimitiveNodeLogical(pathColumn, pq.Repetitions.Required, schema.StringLogicalType{}, pq.Types.ByteArray, -1, -1)
	if err != nil {
		return nil, err
	}
	nodes := schema.FieldList{path}
	for i, name := range columnNames(props) {
		for k := -1; k < props[i].Samples.Count; k++ {
			n := name
			if k >= 0 {
				n = sampleColumn(name, k)
			}
			node, err := parquetField(props[i], n)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, node)
		}
	}
	root, err := schema.NewGroupNode(wp.RootName(), wp.RootRepetition(), nodes, -1)
	if err != nil {
		return nil, err
	}
	return schema.NewSchema(root), nil
}

// parquetField is the Parquet node of a property, the one pqarrow makes of
// arrowField's field: a scalar a primitive node (required, or optional when
// sparse), a vector a 3-level LIST of required components, an array a LIST
// of required elements; list names and field ids as pqarrow gives them.
func parquetField(p formats.Property, name string) (schema.Node, error) {
	if !p.Type.Valid() {
		return nil, fmt.Errorf("property %q has unsupported type %s", p.Name, p.Type)
	}
	rep := pq.Repetitions.Required
	if p.Sparse {
		rep = pq.Repetitions.Optional
	}
	tuple, array := p.Type.Width() > 1, p.Type.IsArray()
	leafRep := rep
	if tuple || array {
		leafRep = pq.Repetitions.Required
	}
	var typ pq.Type
	var lt schema.LogicalType = schema.NoLogicalType{}
	length := -1
	switch p.Type.Kind() {
	case formats.KindDouble:
		typ = pq.Types.Double
	case formats.KindFloat:
		typ = pq.Types.Float
	case formats.KindHalf:
		typ, lt, length = pq.Types.FixedLenByteArray, schema.Float16LogicalType{}, 2
	case formats.KindInt:
		typ, lt = pq.Types.Int32, schema.NewIntLogicalType(32, true)
	case formats.KindInt64:
		typ, lt = pq.Types.Int64, schema.NewIntLogicalType(64, true)
	case formats.KindBool:
		typ = pq.Types.Boolean
	case formats.KindString:
		typ, lt = pq.Types.ByteArray, schema.StringLogicalType{}
	default:
		return nil, fmt.Errorf("property %q has unsupported type %s", p.Name, p.Type)
	}
	var n schema.Node
	n, err := schema.NewPrimitiveNodeLogical(name, leafRep, lt, typ, length, -1)
	if err != nil {
		return nil, err
	}
	if tuple {
		vrep := rep
		if array {
			vrep = pq.Repetitions.Required
		}
		if n, err = schema.ListOfWithName(name, n, vrep, -1); err != nil {
			return nil, err
		}
	}
	if array {
		if n, err = schema.ListOfWithName(name, n, rep, -1); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// column describes how one property is stored: its leaf column and the
// definition/repetition levels needed to rebuild values from it.
type column struct {
	prop formats.Property
	leaf int
	// elem is the scalar the leaf holds (Double, Float, Half, Int, Int64,
	// Bool or String) and nest the number of list levels above it: 0 for
	// scalars, 1 for arrays and for vectors (stored as fixed-size lists),
	// 2 for arrays of vectors.
	elem    formats.Type
	nest    int
	maxDef  int16
	maxRep  int16
	repDefs [2]int16 // definition level reached at the 1st and 2nd repeated node
	// nullDef is the definition level below which a row is null: 1 for a
	// nullable column, 0 when rows cannot be null.
	nullDef int16
}

// fileColumns maps the file's schema to the path column and one column per
// top-level field. declared, when non-nil, gives the USD types the writer
// recorded (in column order, named as columnNames names them); each must
// agree with the stored shape. samples[i] lists the columns of declared
// property i's time samples (sampleColumn), each of the property's type;
// there must be exactly Samples.Count of them.
func fileColumns(sc *schema.Schema, declared []formats.Property) (pathCol column, cols []column, samples [][]column, err error) {
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
			return pathCol, nil, nil, fmt.Errorf("column %d has no top-level field", i)
		}
		if firstLeaf[idx] >= 0 {
			return pathCol, nil, nil, fmt.Errorf("column %q has more than one leaf, which no scene property uses", top.Name())
		}
		firstLeaf[idx] = i
	}
	byName := map[string]column{}
	var order []string
	for fi := 0; fi < root.NumFields(); fi++ {
		f := root.Field(fi)
		leaf := firstLeaf[fi]
		if leaf < 0 {
			return pathCol, nil, nil, fmt.Errorf("column %q holds no values", f.Name())
		}
		if f.Name() == pathColumn {
			d := sc.Column(leaf)
			if d.PhysicalType() != pq.Types.ByteArray || d.MaxRepetitionLevel() != 0 {
				return pathCol, nil, nil, fmt.Errorf("column %q is %s, not a string column", pathColumn, d.PhysicalType())
			}
			pathLeaf = leaf
			pathCol = column{prop: formats.Property{Name: pathColumn, Type: formats.String}, elem: formats.String,
				leaf: leaf, maxDef: d.MaxDefinitionLevel(), nullDef: d.MaxDefinitionLevel()}
			continue
		}
		c, err := columnShape(sc, leaf)
		if err != nil {
			return pathCol, nil, nil, fmt.Errorf("column %q: %w", f.Name(), err)
		}
		byName[f.Name()] = c
		order = append(order, f.Name())
	}
	if pathLeaf < 0 {
		return pathCol, nil, nil, fmt.Errorf("no %q column", pathColumn)
	}
	if declared == nil {
		for _, n := range order {
			c := byName[n]
			t := c.inferredType()
			if t == formats.Invalid {
				return pathCol, nil, nil, fmt.Errorf("column %q: unsupported list of lists of %s", n, c.elem)
			}
			c.prop = formats.Property{Name: n, Type: t, Sparse: c.nullDef > 0}
			cols = append(cols, c)
		}
		return pathCol, cols, samples, nil
	}
	names := columnNames(declared)
	for i, n := range names {
		p := declared[i]
		c, ok := byName[n]
		if !ok {
			return pathCol, nil, nil, fmt.Errorf("property %q (%s) has no column", p.Name, p.Type)
		}
		if !c.fits(p.Type) {
			return pathCol, nil, nil, fmt.Errorf("property %q is declared %s but its column holds %s", p.Name, p.Type, c.describe())
		}
		if c.nullDef > 0 && !p.Sparse {
			return pathCol, nil, nil, fmt.Errorf("property %q is not declared sparse but its column may hold nulls", p.Name)
		}
		c.prop = p
		cols = append(cols, c)
		ss, err := sampleColumns(byName, names, n, p)
		if err != nil {
			return pathCol, nil, nil, err
		}
		samples = append(samples, ss)
	}
	return pathCol, cols, samples, nil
}

// sampleColumns finds the Samples.Count columns of p's time samples (p's
// own column is named name), each holding p's type, and checks that no
// column of a further sample exists (unless a declared property's column,
// among names, has that name).
func sampleColumns(byName map[string]column, names []string, name string, p formats.Property) ([]column, error) {
	if err := p.Samples.Check(); err != nil {
		return nil, fmt.Errorf("property %q: scene metadata: %w", p.Name, err)
	}
	if _, ok := byName[sampleColumn(name, p.Samples.Count)]; ok && !slices.Contains(names, sampleColumn(name, p.Samples.Count)) {
		return nil, fmt.Errorf("property %q: column %q lies beyond the %d time samples the scene metadata declares",
			p.Name, sampleColumn(name, p.Samples.Count), p.Samples.Count)
	}
	if p.Samples.Count == 0 {
		return nil, nil
	}
	ss := make([]column, p.Samples.Count)
	for k := range ss {
		sn := sampleColumn(name, k)
		c, ok := byName[sn]
		switch {
		case !ok:
			return nil, fmt.Errorf("property %q: time sample %d of %d (column %q) has no column", p.Name, k, p.Samples.Count, sn)
		case !c.fits(p.Type):
			return nil, fmt.Errorf("property %q is declared %s but its time sample column %q holds %s", p.Name, p.Type, sn, c.describe())
		case c.nullDef > 0 && !p.Sparse:
			return nil, fmt.Errorf("property %q is not declared sparse but its time sample column %q may hold nulls", p.Name, sn)
		}
		c.prop = formats.Property{Name: p.Name, Type: p.Type, Length: p.Length, Sparse: p.Sparse}
		ss[k] = c
	}
	return ss, nil
}

// storedScalar is the scalar a column holds the values of kind k in.
func storedScalar(k formats.Kind) formats.Type {
	switch k {
	case formats.KindDouble:
		return formats.Double
	case formats.KindFloat:
		return formats.Float
	case formats.KindHalf:
		return formats.Half
	case formats.KindInt:
		return formats.Int
	case formats.KindInt64:
		return formats.Int64
	case formats.KindBool:
		return formats.Bool
	case formats.KindString:
		return formats.String
	}
	return formats.Invalid
}

// fits reports whether values of USD type t can be read from the column.
func (c *column) fits(t formats.Type) bool {
	nest := 0
	if t.IsTuple() {
		nest++
	}
	if t.IsArray() {
		nest++
	}
	return c.elem == storedScalar(t.Kind()) && c.nest == nest
}

// inferredType is the type of a column of a file without a scene
// description: scalars as themselves, lists as arrays, lists of lists of
// floats as float3[] (each inner list must then hold three).
func (c *column) inferredType() formats.Type {
	switch c.nest {
	case 0:
		return c.elem
	case 1:
		return formats.ArrayOf(c.elem)
	}
	if c.elem == formats.Float {
		return formats.Float3Array
	}
	return formats.Invalid
}

// describe names the column's shape for errors ("list of float").
func (c *column) describe() string {
	return strings.Repeat("list of ", c.nest) + c.elem.String()
}

// columnShape works out what a leaf column holds by walking its schema path.
func columnShape(sc *schema.Schema, leaf int) (column, error) {
	d := sc.Column(leaf)
	c := column{leaf: leaf, maxDef: d.MaxDefinitionLevel(), maxRep: d.MaxRepetitionLevel()}
	if c.maxRep > 2 {
		return c, fmt.Errorf("nested %d levels deep", c.maxRep)
	}
	c.nest = int(c.maxRep)
	// Walk from the root down to the leaf, counting levels.
	var nodes []schema.Node
	for n := schema.Node(d.SchemaNode()); n != nil && n.Parent() != nil; n = n.Parent() {
		nodes = append([]schema.Node{n}, nodes...)
	}
	var def int16
	reps := 0
	for i, n := range nodes {
		switch n.RepetitionType() {
		case pq.Repetitions.Optional:
			def++
			if i == 0 {
				c.nullDef = def
			}
		case pq.Repetitions.Repeated:
			def++
			if reps < 2 {
				c.repDefs[reps] = def
			}
			reps++
		}
	}
	switch d.PhysicalType() {
	case pq.Types.Double:
		c.elem = formats.Double
	case pq.Types.Float:
		c.elem = formats.Float
	case pq.Types.Int32:
		if lt := d.LogicalType(); lt != nil && !lt.IsNone() {
			if it, ok := lt.(schema.IntLogicalType); !ok || it.BitWidth() != 32 || !it.IsSigned() {
				return c, fmt.Errorf("unsupported INT32 logical type %s", lt)
			}
		}
		c.elem = formats.Int
	case pq.Types.Int64:
		if lt := d.LogicalType(); lt != nil && !lt.IsNone() {
			if it, ok := lt.(schema.IntLogicalType); !ok || it.BitWidth() != 64 || !it.IsSigned() {
				return c, fmt.Errorf("unsupported INT64 logical type %s", lt)
			}
		}
		c.elem = formats.Int64
	case pq.Types.Boolean:
		c.elem = formats.Bool
	case pq.Types.ByteArray:
		lt := d.LogicalType()
		if _, ok := lt.(schema.StringLogicalType); !ok && d.ConvertedType() != schema.ConvertedTypes.UTF8 {
			return c, fmt.Errorf("BYTE_ARRAY without the UTF8/String annotation")
		}
		c.elem = formats.String
	case pq.Types.FixedLenByteArray:
		if _, ok := d.LogicalType().(schema.Float16LogicalType); !ok || d.TypeLength() != 2 {
			return c, fmt.Errorf("FIXED_LEN_BYTE_ARRAY other than float16")
		}
		c.elem = formats.Half
	default:
		return c, fmt.Errorf("unsupported physical type %s", d.PhysicalType())
	}
	return c, nil
}
