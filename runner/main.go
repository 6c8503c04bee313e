// Command runner benchmarks 3D scene storage formats from declarative HCL
// specs: it validates and plans a spec's matrix of datasets x format
// variants x scenarios, generates the data, runs every cell and reports.
//
// Every subcommand is an entry in the command table; a subcommand defined in
// its own file adds itself with register in an init function.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit statuses shared by every subcommand.
const (
	exitOK      = 0 // success
	exitFailure = 1 // the run had failures (failed, timed-out or mismatched cells; unformatted files)
	exitUsage   = 2 // bad usage or an invalid spec
)

// command is one subcommand.
type command struct {
	Name     string
	Synopsis string // one line for `runner help`
	Usage    string // "runner NAME [flags] ARGS" followed by a paragraph
	Hidden   bool   // left out of `runner help` (the worker)
	Run      func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is the table of subcommands, filled by register (commands refer
// to the table for their usage, so it cannot be a static initializer).
var commands []*command

// The core subcommands. A file that defines another adds it with its own
// init function calling register.
func init() {
	register(
		validateCmd,
		planCmd,
		applyCmd,
		genCmd,
		fmtCmd,
		versionCmd,
		helpCmd,
		workerCmd,
	)
}

// register adds subcommands to the table; call it from an init function.
func register(cs ...*command) {
	for _, c := range cs {
		if lookup(c.Name) != nil {
			panic("runner: duplicate command " + c.Name) // a programming error, caught by any test
		}
		commands = append(commands, c)
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// visibleCommands lists the commands `runner help` shows, by name.
func visibleCommands() []*command {
	var out []*command
	for _, c := range commands {
		if !c.Hidden {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func main() {
	ctx, stop := signalContext()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalContext returns a context cancelled by the first SIGINT or
// SIGTERM, its cause the signal (see interruptedStatus), so that a command
// can stop cleanly: apply saves what finished. A second signal ends the
// process at once, whatever it is doing, with the status of that signal.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(signalError{sig})
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			os.Exit(signalStatus(sig))
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return "interrupted by " + e.sig.String() }

// signalStatus is the shell's exit status for a process ended by sig:
// 128 + its number (130 for SIGINT, 143 for SIGTERM).
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + 2
}

// interruptedStatus is the exit status of a command stopped because ctx
// was cancelled: that of the signal that cancelled it, or exitUsage when
// something else did (a test, a caller's deadline).
func interruptedStatus(ctx context.Context) int {
	var se signalError
	if errors.As(context.Cause(ctx), &se) {
		return signalStatus(se.sig)
	}
	return exitUsage
}

// run dispatches to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	if len(args) == 0 {
		writeOverview(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		writeOverview(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "runner: unknown command %q\n\n", name)
		writeOverview(stderr)
		return exitUsage
	}
	// Bad input is answered by diagnostics, never a panic; should one slip
	// through anyway, it ends as a plain error rather than a stack trace.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "runner %s: internal error: %v\nPlease report this with the command and spec that caused it.\n", name, r)
			code = exitFailure
		}
	}()
	return c.Run(ctx, args[1:], stdout, stderr)
}

func writeOverview(w io.Writer) {
	fmt.Fprint(w, "runner benchmarks 3D scene storage formats from declarative HCL specs.\n\nUsage:\n\n\trunner COMMAND [flags] [arguments]\n\nCommands:\n\n")
	width := 0
	for _, c := range visibleCommands() {
		width = max(width, len(c.Name))
	}
	for _, c := range visibleCommands() {
		fmt.Fprintf(w, "\t%-*s  %s\n", width, c.Name, c.Synopsis)
	}
	fmt.Fprint(w, "\nRun \"runner help COMMAND\" for a command's flags and arguments.\n"+
		"Exit status: 0 success, 1 a run had failures, 2 bad usage or an invalid spec.\n")
}

var helpCmd = &command{
	Name:     "help",
	Synopsis: "show the commands, or one command's usage",
	Usage:    "runner help [COMMAND]\n\nWithout a command, lists the commands; with one, prints its usage and flags.",
	Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		switch len(args) {
		case 0:
			writeOverview(stdout)
			return exitOK
		case 1:
			c := lookup(args[0])
			if c == nil {
				fmt.Fprintf(stderr, "runner help: unknown command %q\n", args[0])
				return exitUsage
			}
			// Every command prints its usage and flags for -h.
			if c.Name == "help" {
				fmt.Fprintf(stdout, "usage: %s\n", c.Usage)
				return exitOK
			}
			c.Run(ctx, []string{"-h"}, stdout, stdout)
			return exitOK
		default:
			fmt.Fprintln(stderr, "usage: runner help [COMMAND]")
			return exitUsage
		}
	},
}

// usageLine is the first line of the named command's usage.
func usageLine(name string) string {
	c := lookup(name)
	if c == nil {
		return "runner " + name
	}
	line, _, _ := strings.Cut(c.Usage, "\n")
	return line
}
