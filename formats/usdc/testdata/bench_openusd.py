"""Time OpenUSD's own reader on a .usdc layer, for comparison with the Go
reader's BenchmarkOpen and BenchmarkTraversal on the same file.

Usage: bench_openusd.py LAYER [PROPERTY] [REPEATS]

Open: Sdf.Layer.FindOrOpen on a fresh layer (the previous one released).
Traversal: read PROPERTY (default "cost") of every prim with attributes,
prims listed once beforehand as the Go reader's Prims() does at open.
Prints JSON with the median and every sample in milliseconds.
"""
import gc
import json
import statistics
import sys
import time

from pxr import Sdf


def prim_paths(layer):
    out = []
    stack = list(reversed(layer.pseudoRoot.nameChildren))
    while stack:
        p = stack.pop()
        if p.properties:
            out.append(str(p.path))
        stack.extend(reversed(p.nameChildren))
    return out


def main():
    path = sys.argv[1]
    prop = sys.argv[2] if len(sys.argv) > 2 else "cost"
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    opens = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        layer = Sdf.Layer.FindOrOpen(path)
        opens.append((time.perf_counter() - t0) * 1e3)
        if layer is None:
            sys.exit("cannot open " + path)
        del layer
    layer = Sdf.Layer.FindOrOpen(path)
    prims = prim_paths(layer)
    traversals = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for p in prims:
            layer.GetAttributeAtPath(p + "." + prop).default
        traversals.append((time.perf_counter() - t0) * 1e3)
    json.dump({
        "file": path,
        "prims": len(prims),
        "open_ms": statistics.median(opens),
        "traversal_ms": statistics.median(traversals),
        "open_samples_ms": opens,
        "traversal_samples_ms": traversals,
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
