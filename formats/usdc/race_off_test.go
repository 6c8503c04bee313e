//go:build !race

package usdc

const raceEnabled = false
