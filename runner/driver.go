package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/scenebench/runner/drivers"
	"github.com/scenebench/runner/runner/drivercheck"
	"github.com/scenebench/runner/runner/spec"
)

func init() { register(driverCmd) }

var driverCmd = &command{
	Name:     "driver",
	Synopsis: "list the shipped drivers, or check that a driver answers like the Go reader",
	Usage: `runner driver list
runner driver check [-quick] [-format F]... [-env K=V]... [-option K=V]... [-data DIR] [-out DIR] [-timeout D] NAME
runner driver check [flags] -- COMMAND [ARG...]

A driver is a program that reads scenes and speaks runner's driver protocol
(drivers/PROTOCOL.md). list shows the shipped drivers and whether they are
installed (make drivers). check runs the conformance suite against a shipped
driver by NAME, or against any program after --: generated files of every
value type and both hierarchies, read through the driver and through the Go
reader with the same steps (cold and warm gets, traversals in every order
with probes, threads, reopens, a composed open), every digest compared;
then requests that must fail (a missing file, prim or property, an unknown
op, a malformed step) must be answered with errors. It prints a line per
check and exits 1 when any fails.`,
	Run: runDriver,
}

func runDriver(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var command []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, command = args[:i], args[i+1:]
	}
	if len(args) == 0 {
		fmt.Fprintf(stderr, "runner driver: need list or check\n\nusage: %s\n", usageLine("driver"))
		return exitUsage
	}
	switch args[0] {
	case "list":
		if len(args) > 1 || command != nil {
			fmt.Fprintln(stderr, "usage: runner driver list")
			return exitUsage
		}
		return driverList(stdout)
	case "check":
		return driverCheck(ctx, args[1:], command, stdout, stderr)
	case "-h", "-help", "--help":
		fmt.Fprintf(stdout, "usage: %s\n", lookup("driver").Usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "runner driver: unknown subcommand %q (list or check)\n", args[0])
	return exitUsage
}

func driverList(stdout io.Writer) int {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DRIVER\tINSTALLED\tWHAT")
	for _, name := range drivers.Names() {
		s, _ := drivers.Lookup(name)
		state := "yes"
		if _, err := s.Command(); err != nil {
			state = "no (make drivers)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, state, s.Doc)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nDrivers directory: %s (set %s to use another)\n", drivers.Dir(), drivers.DirEnv)
	return exitOK
}

func driverCheck(ctx context.Context, args, command []string, stdout, stderr io.Writer) int {
	var fmtList, env, options stringList
	fs := flagSet("driver", stderr)
	fs.Var(&fmtList, "format", "check only this `FORMAT` (repeatable; default: every format the driver reads)")
	fs.Var(&env, "env", "add `NAME=VALUE` to the driver's environment (repeatable)")
	fs.Var(&options, "option", "give the driver option `NAME=VALUE` (repeatable)")
	dataDir := fs.String("data", spec.DefaultDataDir, "cache the generated files in `DIR`")
	out := fs.String("out", "", "keep the runs' results in `DIR` (default: a temporary directory)")
	timeout := fs.Duration("timeout", 2*time.Minute, "per cell")
	quick := fs.Bool("quick", false, "check fewer variants (Parquet in two codecs, the crate in one version)")
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	o := drivercheck.Options{Command: command, Formats: fmtList, DataDir: *dataDir, Out: *out, Timeout: *timeout, Progress: stderr, Quick: *quick}
	switch {
	case len(args) == 1 && command == nil:
		if _, ok := drivers.Lookup(args[0]); !ok {
			fmt.Fprintf(stderr, "runner driver check: %q is not a shipped driver (they are %s); check a program with -- COMMAND\n",
				args[0], strings.Join(drivers.Names(), ", "))
			return exitUsage
		}
		o.Name = args[0]
	case len(args) == 0 && len(command) > 0:
	default:
		fmt.Fprintf(stderr, "usage: %s\n", lookup("driver").Usage)
		return exitUsage
	}
	if o.Env, err = keyValues(env); err == nil {
		o.Options, err = keyValues(options)
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner driver check: %v\n", err)
		return exitUsage
	}
	rep, err := drivercheck.Run(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "runner driver check: %v\n", err)
		return exitFailure
	}
	counts := map[string]int{}
	skipped := map[string][]string{} // reason -> checks
	var reasons []string
	for _, c := range rep.Checks {
		counts[c.Status]++
		if c.Status == drivercheck.Skip {
			if skipped[c.Detail] == nil {
				reasons = append(reasons, c.Detail)
			}
			skipped[c.Detail] = append(skipped[c.Detail], c.Name)
			continue
		}
		fmt.Fprintf(stdout, "%s  %s", c.Status, c.Name)
		if c.Detail != "" {
			fmt.Fprintf(stdout, ": %s", c.Detail)
		}
		fmt.Fprintln(stdout)
	}
	for _, why := range reasons {
		names := skipped[why]
		fmt.Fprintf(stdout, "SKIP  %d checks (%s", len(names), names[0])
		if len(names) > 1 {
			fmt.Fprintf(stdout, ", ...")
		}
		fmt.Fprintf(stdout, "): %s\n", why)
	}
	name := rep.Driver
	if name == "" {
		name = strings.Join(command, " ")
	}
	fmt.Fprintf(stdout, "\n%s: %d passed, %d failed, %d skipped\n", name,
		counts[drivercheck.Pass], counts[drivercheck.Fail], counts[drivercheck.Skip])
	if rep.Failed() > 0 {
		return exitFailure
	}
	return exitOK
}

// keyValues parses NAME=VALUE flags.
func keyValues(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}
