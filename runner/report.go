package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scenebench/runner/reporters"
	"github.com/scenebench/runner/reporters/output"
	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

func init() { register(reportCmd, compareCmd) }

var reportCmd = &command{
	Name:     "report",
	Synopsis: "render a results.json as markdown, HTML, a table, JSON or Go benchmark text",
	Usage: `runner report [-format md|html|table|json|benchfmt] [-o FILE] RESULTS.json

Renders a results file again, exactly as apply wrote it: the same input
gives the same bytes. Without -o the output goes to standard output.`,
	Run: runReport,
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("report", stderr)
	format := fs.String("format", "md", "output `FORMAT`: "+strings.Join(reporters.Formats(), ", "))
	outPath := fs.String("o", "", "write to `FILE` instead of standard output")
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, "runner report: need exactly one results file\n\nusage: "+usageLine("report"))
		return exitUsage
	}
	f, err := reporters.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "runner report: %v\n", err)
		return exitUsage
	}
	w := stdout
	var file *os.File
	if *outPath != "" {
		file, err = os.Create(*outPath)
		if err != nil {
			fmt.Fprintf(stderr, "runner report: %v\n", err)
			return exitUsage
		}
		w = file
	}
	color := *outPath == "" && output.Is(*format, output.Table) && reporters.IsTerminal(stdout)
	err = reporters.Render(w, f, *format, reporters.Options{Color: color})
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner report: %v\n", err)
		return exitUsage
	}
	return exitOK
}

var compareCmd = &command{
	Name:     "compare",
	Synopsis: "compare two results files step by step, or the verdicts of two runs",
	Usage: `runner compare [-threshold PCT] [-fail] [-alpha P] [-format text|md] OLD.json NEW.json
runner compare -verdicts [-tolerance PCT] [-fail] A.json B.json

For every cell and step in both files: the old and new medians with their
coefficients of variation and the change, new against old, as a ratio
with its 95% interval (Hodges-Lehmann, Moses). A change is named only when
its interval excludes 1 and clears the step's A/A noise floor (the larger
of the two runs'); otherwise "~". Peak memory and file sizes are compared
too, and each kind has a geometric mean. A regression is a clear change
whose whole interval is more than -threshold (default 5%) slower or
larger. Cells found in only one file are listed. With -fail the exit
status is 1 when there is a regression: a gate for CI.

With -verdicts the question is another: do two runs of one spec (say, on
an idle and on a loaded machine) reach the same verdicts against their own
baselines? It checks that every difference either run names is named by
the other, that every ratio to the baseline moves by less than -tolerance
(default 15%), that the A/A control shows ~ on every step of both, and
that the winners are the same, and ends with PASS or FAIL (exit 1 with
-fail).`,
	Run: runCompare,
}

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("compare", stderr)
	threshold := fs.String("threshold", "5%", "slowdown a clear change must exceed, all its interval, to be a regression (`PCT`)")
	fail := fs.Bool("fail", false, "exit 1 on a regression (with -verdicts: when the runs disagree)")
	alpha := fs.Float64("alpha", 0.05, "one minus the confidence of the intervals")
	format := fs.String("format", "text", "output `FORMAT`: text or md")
	verdicts := fs.Bool("verdicts", false, "compare the verdicts of two runs, each against its own baseline")
	tolerance := fs.String("tolerance", "15%", "with -verdicts, how far a ratio to the baseline may move (`PCT`)")
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(args) != 2 {
		fmt.Fprintln(stderr, "runner compare: need two results files, OLD and NEW\n\nusage: "+usageLine("compare"))
		return exitUsage
	}
	th, err := reporters.ParseThreshold(*threshold)
	if err != nil {
		fmt.Fprintf(stderr, "runner compare: %v\n", err)
		return exitUsage
	}
	if *alpha <= 0 || *alpha >= 1 {
		fmt.Fprintf(stderr, "runner compare: -alpha %v: want a probability between 0 and 1\n", *alpha)
		return exitUsage
	}
	if *format != "text" && !output.Is(*format, output.Markdown) {
		fmt.Fprintf(stderr, "runner compare: -format %q: want text or md\n", *format)
		return exitUsage
	}
	var files [2]*results.File
	for i, path := range args {
		if files[i], err = reporters.ReadFile(path); err != nil {
			fmt.Fprintf(stderr, "runner compare: %v\n", err)
			return exitUsage
		}
	}
	if *verdicts {
		tol, err := reporters.ParseThreshold(*tolerance)
		if err != nil {
			fmt.Fprintf(stderr, "runner compare: -tolerance: %v\n", err)
			return exitUsage
		}
		agree, err := reporters.Agree(stdout, files[0], files[1], tol)
		if err != nil {
			fmt.Fprintf(stderr, "runner compare: %v\n", err)
			return exitUsage
		}
		if !agree && *fail {
			fmt.Fprintln(stderr, "runner compare: the two runs disagree")
			return exitFailure
		}
		return exitOK
	}
	regressed, err := reporters.Compare(stdout, files[0], files[1], reporters.CompareOptions{
		Threshold: th, Format: *format, Alpha: *alpha,
	})
	if err != nil {
		fmt.Fprintf(stderr, "runner compare: %v\n", err)
		return exitUsage
	}
	if regressed && *fail {
		fmt.Fprintf(stderr, "runner compare: regression beyond %s\n", *threshold)
		return exitFailure
	}
	return exitOK
}

// writeReports writes the report block's outputs for a finished run into the
// run's output directory and prints the terminal summary when asked for.
func writeReports(p *plan.Plan, res *results.File, stdout, stderr io.Writer) error {
	return writeReportsTo(exec.ResultsDir(p.Settings.Out, res), p.Report.Outputs, res, stdout, stderr)
}

// writeReportsTo writes outputs (the report block's; empty means all) of
// res into dir and prints the terminal summary when they include it.
func writeReportsTo(dir string, outputs []string, res *results.File, stdout, stderr io.Writer) error {
	var files []string
	table := len(outputs) == 0
	for _, o := range outputs {
		if output.Is(o, output.Table) {
			table = true
			continue
		}
		files = append(files, o)
	}
	if len(outputs) == 0 {
		files = nil // every file
	} else if len(files) == 0 {
		files = []string{output.JSON} // results.json is always kept
	}
	written, err := reporters.OutputFiles(files)
	if err != nil {
		return err
	}
	if err := reporters.WriteAll(dir, res, files); err != nil {
		return err
	}
	if table {
		fmt.Fprintln(stdout)
		if err := reporters.Render(stdout, res, output.Table, reporters.Options{Color: reporters.IsTerminal(stdout)}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "reports: %s in %s\n", strings.Join(written, ", "), dir)
	return nil
}
