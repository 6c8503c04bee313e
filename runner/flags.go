package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/scenebench/runner/runner/spec"
)

// stringList is a repeatable string flag (-var, -var-file).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// flagSet is a command's flags with its usage text.
func flagSet(name string, stderr io.Writer) *flag.FlagSet {
	c := lookup(name)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n", c.Usage)
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprint(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses flags placed anywhere among the arguments
// ("runner plan spec.hcl -json"); "--" ends flag parsing. It reports -h as
// errHelp and other mistakes (already printed with the usage) as errUsage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

var (
	errHelp  = errors.New("help requested")
	errUsage = errors.New("bad usage")
)

// flagExit maps a parseFlags error to an exit status.
func flagExit(err error) int {
	if err == errHelp {
		return exitOK
	}
	return exitUsage
}

// specFlags are the flags of every command that loads specs.
type specFlags struct {
	vars, varFiles stringList
	filter         string
	dataDir        string
}

func (sf *specFlags) addVars(fs *flag.FlagSet) {
	fs.Var(&sf.vars, "var", "set a variable: `NAME=VALUE` (repeatable)")
	fs.Var(&sf.varFiles, "var-file", "read variables from an HCL `FILE` of NAME = VALUE lines (repeatable)")
}

func (sf *specFlags) addFilter(fs *flag.FlagSet) {
	fs.StringVar(&sf.filter, "filter", "", "select cells by glob: `EXPR` such as 'format=parquet-*,scenario=open' (keys dataset, format, scenario)")
}

// addDataDir adds -data-dir, which loadPlan puts in place of
// settings.data_dir: where a machine keeps (or shares) the data files.
func (sf *specFlags) addDataDir(fs *flag.FlagSet) {
	fs.StringVar(&sf.dataDir, "data-dir", "", "keep data files in `DIR` instead of settings.data_dir (a shared volume lets shards reuse each other's)")
}

func (sf *specFlags) options() spec.Options {
	return spec.Options{Vars: sf.vars, VarFiles: sf.varFiles}
}

// writeDiags prints diagnostics to w: wrapped and coloured on a terminal
// (unless NO_COLOR is set), plain otherwise.
func writeDiags(w io.Writer, d *spec.Diagnostics) {
	if d == nil || len(d.Diagnostics) == 0 {
		return
	}
	var width uint
	color := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			width = uint(cols - 1)
		}
		color = os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	}
	if err := d.Write(w, width, color); err != nil {
		fmt.Fprintf(w, "runner: writing diagnostics: %v\n", err)
	}
}
