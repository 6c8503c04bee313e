package usdc

// valueRep is OpenUSD's 64-bit value reference: flag bits, a type code and
// a 48-bit payload holding either the value itself or its file offset.
type valueRep uint64

const (
	repArray      valueRep = 1 << 63
	repInlined    valueRep = 1 << 62
	repCompressed valueRep = 1 << 61
	repArrayEdit  valueRep = 1 << 60
	repPayload    valueRep = 1<<48 - 1
)

// Crate type codes (those this package reads or writes, and the ones it
// names in errors).
const (
	tInvalid        = 0
	tBool           = 1
	tUChar          = 2
	tInt            = 3
	tUInt           = 4
	tInt64          = 5
	tUInt64         = 6
	tHalf           = 7
	tFloat          = 8
	tDouble         = 9
	tString         = 10
	tToken          = 11
	tAssetPath      = 12
	tMatrix2d       = 13
	tMatrix3d       = 14
	tMatrix4d       = 15
	tQuatd          = 16
	tQuatf          = 17
	tQuath          = 18
	tVec2d          = 19
	tVec2f          = 20
	tVec2h          = 21
	tVec2i          = 22
	tVec3d          = 23
	tVec3f          = 24
	tVec3h          = 25
	tVec3i          = 26
	tVec4d          = 27
	tVec4f          = 28
	tVec4h          = 29
	tVec4i          = 30
	tDictionary     = 31
	tTokenListOp    = 32
	tStringListOp   = 33
	tPathListOp     = 34
	tRefListOp      = 35
	tIntListOp      = 36
	tInt64ListOp    = 37
	tUIntListOp     = 38
	tUInt64ListOp   = 39
	tPathVector     = 40
	tTokenVector    = 41
	tSpecifier      = 42
	tPermission     = 43
	tVariability    = 44
	tVariantSelMap  = 45
	tTimeSamples    = 46
	tPayload        = 47
	tDoubleVector   = 48
	tLayerOffsetVec = 49
	tStringVector   = 50
	tValueBlock     = 51
	tValue          = 52
	tUnregistered   = 53
	tUnregListOp    = 54
	tPayloadListOp  = 55
	tTimeCode       = 56
	tPathExpression = 57
	tRelocates      = 58
	tSpline         = 59
	tAnimationBlock = 60
	tDuration       = 61 // crate 0.16.0
)

func (r valueRep) isArray() bool      { return r&repArray != 0 }
func (r valueRep) isInlined() bool    { return r&repInlined != 0 }
func (r valueRep) isCompressed() bool { return r&repCompressed != 0 }
func (r valueRep) isArrayEdit() bool  { return r&repArrayEdit != 0 }
func (r valueRep) typ() int           { return int(r>>48) & 0xff }
func (r valueRep) payload() uint64    { return uint64(r & repPayload) }

func inlineRep(t int, payload uint32) valueRep {
	return repInlined | valueRep(t)<<48 | valueRep(payload)
}

func offsetRep(t int, off int64) valueRep {
	return valueRep(t)<<48 | valueRep(off)&repPayload
}

func arrayRep(t int, off int64) valueRep {
	return repArray | offsetRep(t, off)
}

// Spec types.
const (
	specAttribute    = 1
	specConnection   = 2
	specPrim         = 6
	specPseudoRoot   = 7
	specRelationship = 8
	specRelTarget    = 9
	specVariant      = 10
	specVariantSet   = 11
	numSpecTypes     = 12
)

// Specifier and variability values.
const (
	specifierDef  = 0
	specifierOver = 1
	varyingVar    = 0
)

// reservedToken is interned first so that no property name gets token 0
// (a negated 0 would read back as a prim element).
const reservedToken = ";-)"

// Field names.
const (
	fSpecifier          = "specifier"
	fTypeName           = "typeName"
	fPrimChildren       = "primChildren"
	fProperties         = "properties"
	fCustom             = "custom"
	fVariability        = "variability"
	fDefault            = "default"
	fTimeSamples        = "timeSamples"
	fConnectionPaths    = "connectionPaths"
	fSpline             = "spline"
	fVariantSetChildren = "variantSetChildren"
	fVariantChildren    = "variantChildren"
)
