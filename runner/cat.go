package main

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/scenebench/runner/runner/cat"
)

func init() { register(catCmd) }

var catCmd = &command{
	Name:     "cat",
	Synopsis: "print a usdc, usda or parquet file as USDA-like text or JSON",
	Usage: `runner cat [-json] FILE...

Prints each file as USDA-like text, as usdcat does; the format is found from
the file's first bytes (PXR-USDC, #usda, PAR1) or else its extension. A
usda or usdc layer prints whole: metadata, composition arcs, every value
type, time samples, connections, relationships, variant sets. With -json,
prints one object per line: per attribute
{"path": ..., "property": ..., "type": ..., "value": ...} (value null when
it has no default), with "timeSamples", "connections", "metadata" and more
when authored; per prim {"path": ..., "specifier": ..., "typeName": ...};
per relationship {"path": ..., "property": ..., "relationship": true,
"targets": ...}. A Parquet file prints its scene's values.`,
	Run: runCat,
}

func runCat(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("cat", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per property value")
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "runner cat: need a file\n\nusage: "+usageLine("cat"))
		return exitUsage
	}
	bw := bufio.NewWriterSize(stdout, 1<<16)
	defer bw.Flush()
	for _, path := range args {
		f, err := cat.Open(path)
		if err != nil {
			bw.Flush()
			fmt.Fprintf(stderr, "runner cat: %v\n", err)
			return exitUsage
		}
		if *asJSON {
			err = f.JSON(bw)
		} else {
			err = f.Text(bw)
		}
		f.Close()
		if err != nil {
			bw.Flush()
			fmt.Fprintf(stderr, "runner cat: %s: %v\n", path, err)
			return exitFailure
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "runner cat: %v\n", err)
		return exitFailure
	}
	return exitOK
}
