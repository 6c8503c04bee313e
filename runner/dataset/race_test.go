//go:build race

package dataset

// raceEnabled lets the heaviest single-goroutine checks skip under the race
// detector in -short runs; the plain run covers them in full.
const raceEnabled = true
