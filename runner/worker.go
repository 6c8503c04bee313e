package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/scenebench/runner/runner/exec"
)

// workerCmd is the process apply starts for every isolated run; it speaks
// JSON lines on standard input and output and is not meant for people.
var workerCmd = &command{
	Name:     "worker",
	Synopsis: "run cells for apply (internal)",
	Usage:    "runner worker\n\nInternal: started by apply with isolate = \"process\"; reads requests as JSON lines on standard input.",
	Hidden:   true,
	Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		if len(args) > 0 {
			fmt.Fprintf(stderr, "usage: %s\n", usageLine("worker"))
			if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
				return exitOK
			}
			return exitUsage
		}
		return exec.WorkerMain(os.Stdin, stdout)
	},
}
