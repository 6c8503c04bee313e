//go:build race

package spec

// raceEnabled lets the heaviest hostile inputs skip under the race detector
// in -short runs; the plain run covers them in full.
const raceEnabled = true
