package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/scenebench/runner/runner/spec"
)

var fmtCmd = &command{
	Name:     "fmt",
	Synopsis: "rewrite spec files in the canonical HCL layout",
	Usage: `runner fmt [-check] [PATH...]

Formats HCL spec files in place. A directory is searched recursively for
*.hcl files, skipping hidden directories and testdata; the default is the
current directory; "-" formats standard input to standard output. Files
with syntax errors are reported, not formatted. -check changes nothing: it
lists the files that need formatting and exits 1 if there are any.`,
	Run: runFmt,
}

func runFmt(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var check bool
	fset := flagSet("fmt", stderr)
	fset.BoolVar(&check, "check", false, "list unformatted files and exit 1 if any; change nothing")
	args, err := parseFlags(fset, args)
	if err != nil {
		return flagExit(err)
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []string
	code := exitOK
	for _, a := range args {
		if a == "-" {
			if c := fmtStdin(ctx, stdout, stderr, check); c > code {
				code = c
			}
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			fmt.Fprintf(stderr, "runner fmt: %v\n", err)
			code = exitUsage
			continue
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				name := d.Name()
				if path != a && (strings.HasPrefix(name, ".") || name == "testdata") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(path, ".hcl") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "runner fmt: %v\n", err)
			code = exitUsage
		}
	}
	for _, path := range files {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "runner fmt: interrupted")
			return interruptedStatus(ctx)
		}
		if c := fmtFile(path, stdout, stderr, check); c > code {
			code = c
		}
	}
	return code
}

// formatSource checks src for syntax errors and returns its formatted form.
// The source is checked first as the spec loader checks it (size, text,
// nesting), since hcl's parser and formatter recurse.
func formatSource(src []byte, name string) ([]byte, *spec.Diagnostics) {
	if diags := spec.CheckSource(name, src); diags.HasErrors() {
		return nil, &spec.Diagnostics{Diagnostics: diags, Files: map[string]*hcl.File{name: {Bytes: src}}}
	}
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, &spec.Diagnostics{Diagnostics: diags, Files: map[string]*hcl.File{name: f}}
	}
	return hclwrite.Format(src), nil
}

func fmtFile(path string, stdout, stderr io.Writer, check bool) int {
	src, err := spec.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "runner fmt: %v\n", err)
		return exitUsage
	}
	out, diags := formatSource(src, path)
	if diags != nil {
		writeDiags(stderr, diags)
		return exitUsage
	}
	if bytes.Equal(src, out) {
		return exitOK
	}
	if check {
		fmt.Fprintln(stdout, path)
		return exitFailure
	}
	fi, err := os.Stat(path)
	if err != nil {
		fmt.Fprintf(stderr, "runner fmt: %v\n", err)
		return exitFailure
	}
	if err := os.WriteFile(path, out, fi.Mode().Perm()); err != nil {
		fmt.Fprintf(stderr, "runner fmt: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(stdout, path)
	return exitOK
}

func fmtStdin(ctx context.Context, stdout, stderr io.Writer, check bool) int {
	src, err := readStdin(ctx)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "runner fmt: interrupted")
		return interruptedStatus(ctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner fmt: reading standard input: %v\n", err)
		return exitUsage
	}
	out, diags := formatSource(src, "<stdin>")
	if diags != nil {
		writeDiags(stderr, diags)
		return exitUsage
	}
	if check {
		if !bytes.Equal(src, out) {
			fmt.Fprintln(stdout, "<stdin>")
			return exitFailure
		}
		return exitOK
	}
	if _, err := stdout.Write(out); err != nil {
		return exitFailure
	}
	return exitOK
}

// readStdin reads standard input, at most spec.MaxFileBytes of it, and
// gives up when ctx is cancelled (a terminal or a pipe may never end).
func readStdin(ctx context.Context) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, spec.MaxFileBytes+1))
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		if r.err == nil && len(r.b) > spec.MaxFileBytes {
			r.err = fmt.Errorf("more than %d bytes; a spec may be at most %d", spec.MaxFileBytes, spec.MaxFileBytes)
		}
		return r.b, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
