// Package usdc reads and writes OpenUSD's binary "crate" layers (.usdc) in
// pure Go, so that benchmarks can compare USD's own format with others on a
// machine without OpenUSD.
//
// The writer streams values to the file as batches arrive and keeps only
// the structural tables in memory: it produces the crate 0.8.0 layout
// (0.9.0 and 0.10.0 on request) with OpenUSD's LZ4 framing, integer coding
// and value inlining; an animated property's time samples become the
// attribute's timeSamples field, as OpenUSD writes it. The reader opens the
// way OpenUSD does: it maps the
// file, decodes the bootstrap, table of contents and every structural
// section eagerly, and decodes values on demand, so open cost and per-value
// cost are both visible. It reads crate versions 0.4.0 to 0.16.0, and
// besides the scene (Reader) decodes the whole layer, every spec and field
// of every type (Layer, layer.go), for runner cat and imports.
//
// The files are laid out like the format: bootstrap.go (header and table
// of contents), sections.go and paths.go (structural sections), lz4.go and
// intcoding.go (compression), valuerep.go (value references), values.go
// and decode.go (value encoding and decoding), writer.go and reader.go,
// samples.go and samplesread.go (time samples).
// CRATE-NOTES.md records the format facts the tests confirmed against
// OpenUSD.
package usdc
