package spec

// Limits that keep any input — a hostile one included — from crashing,
// hanging or exhausting the loader. Each is far above what a spec written
// by hand needs; a spec that passes one gets a diagnostic naming it.
const (
	// MaxFileBytes is the largest spec or -var-file file, 512 KiB, about
	// 170 times the largest shipped spec, and the most all the files of
	// one load may hold together. It is what bounds the cost of
	// parsing: for the worst input (a byte per token, a diagnostic per
	// line) hcl allocates some 400 bytes for each byte of source, so a
	// file at the limit parses in under half a second and about 200 MiB,
	// and a literal list of 5 million elements (10 MB of source at least)
	// cannot be written at all.
	MaxFileBytes = 512 << 10

	// MaxDepth is how deeply expressions may nest: brackets, quoted strings
	// and heredocs, interpolations and template directives, each counting a
	// level, and every operator chained in one expression another. hcl's
	// parser and evaluator recurse once per level, and Go reports a stack
	// overflow as a fatal error that nothing can recover, so the source is
	// checked before it is parsed. Values may nest as deeply.
	MaxDepth = 256

	// MaxTemplatePieces is how many pieces of literal text a quoted string
	// or heredoc may be cut into (lines, and $ and % signs that start no
	// interpolation), since hcl joins them in quadratic time.
	MaxTemplatePieces = 1024

	// MaxElements is the most elements one value may hold, nested ones
	// included, and the most elements a literal list, object or call may
	// have in the source.
	MaxElements = 100000

	// MaxValueBytes is the most text one value may hold, all its strings
	// together.
	MaxValueBytes = 1 << 20

	// MaxNumberText is the longest a number may be written, as a literal
	// or as a string converted to a number. Reading a number costs time
	// quadratic in its length (a million digits take seconds); 1024
	// characters hold any number a spec may use, in any base.
	MaxNumberText = 1024

	// MaxLoadElements and MaxLoadBytes bound the work of evaluating all
	// of a load's expressions: every element a function, operator, for
	// expression or splat produces or handles, and every byte of text it
	// produces or handles, is charged. Expressions that nest loops, repeat
	// a large value or build text in a loop stop here instead of running
	// for minutes or exhausting memory.
	MaxLoadElements = 1000000
	MaxLoadBytes    = 16 << 20

	// MaxShownDiagnostics is how many diagnostics are printed; the rest
	// are counted ("and 412 more errors").
	MaxShownDiagnostics = 50

	// maxKeptDiagnostics is how many diagnostics a load keeps; beyond it
	// they are only counted, so that a file of garbage costs no more
	// memory than a file with one mistake.
	maxKeptDiagnostics = 1000
)
