package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise
// the module version from the build info is used.
var version = ""

var versionCmd = &command{
	Name:     "version",
	Synopsis: "print the runner's version and commit",
	Usage:    "runner version\n\nPrints the version, the VCS revision it was built from and the Go version.",
	Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		fs := flagSet("version", stderr)
		args, err := parseFlags(fs, args)
		if err != nil {
			return flagExit(err)
		}
		if len(args) > 0 {
			fmt.Fprintf(stderr, "usage: %s\n", usageLine("version"))
			return exitUsage
		}
		v, commit := buildVersion()
		fmt.Fprintf(stdout, "runner %s (commit %s, %s %s/%s)\n", v, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	},
}

// buildVersion returns the runner's version and VCS revision ("unknown"
// when the binary was built without VCS stamping), with "+dirty" for a
// modified work tree.
func buildVersion() (ver, commit string) {
	ver, commit = version, "unknown"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if ver == "" {
			ver = "(devel)"
		}
		return ver, commit
	}
	if ver == "" {
		ver = info.Main.Version
		if ver == "" {
			ver = "(devel)"
		}
	}
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
			if len(commit) > 12 {
				commit = commit[:12]
			}
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && commit != "unknown" {
		commit += "+dirty"
	}
	return ver, commit
}
