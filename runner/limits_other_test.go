//go:build !unix

package main

// removeBuilt has nothing to remove where the command is not built for
// the signal tests.
func removeBuilt() {}
