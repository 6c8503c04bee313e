"""Times OpenUSD on a text layer, for the side-by-side with our Go
benchmarks (BenchmarkOpen, BenchmarkTraverse): Sdf.Layer.OpenAsAnonymous,
then reading one attribute default of every prim that has it. Prints the best
of REPEATS runs as wall and process CPU seconds.

usage: pxr_time.py LAYER [PROPERTY] [REPEATS]
"""
import sys
import time

from pxr import Sdf


def main():
    path = sys.argv[1]
    prop = sys.argv[2] if len(sys.argv) > 2 else "cost"
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    best = {}
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        layer = Sdf.Layer.OpenAsAnonymous(path)
        w1, c1 = time.perf_counter(), time.process_time()
        paths = []
        layer.Traverse(Sdf.Path.absoluteRootPath,
                       lambda p: paths.append(p) if p.IsPrimPropertyPath() and p.name == prop else None)
        w2, c2 = time.perf_counter(), time.process_time()
        n = 0
        for p in paths:
            layer.GetAttributeAtPath(p).default
            n += 1
        w3, c3 = time.perf_counter(), time.process_time()
        for key, val in (("open_wall", w1 - w0), ("open_cpu", c1 - c0),
                         ("traverse_wall", w3 - w2), ("traverse_cpu", c3 - c2)):
            best[key] = min(best.get(key, val), val)
        del layer
    print("values %d  open %.3fs (cpu %.3fs)  traverse %.3fs (cpu %.3fs)" % (
        n, best["open_wall"], best["open_cpu"], best["traverse_wall"], best["traverse_cpu"]))


if __name__ == "__main__":
    main()
