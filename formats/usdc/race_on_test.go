//go:build race

package usdc

const raceEnabled = true
