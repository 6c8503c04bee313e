#!/usr/bin/env python3
"""Times the usdParquet plugin against OpenUSD's usdc for the README.

Every cell runs `sdfdump -time PRIM cost` in a fresh process RUNS times,
round-robin over the cells so that noise spreads evenly, and reports the
median (and the range) of the open, the cold get and the warm get of a
double. With -warm, each process first opens and reads a small file of the
same format, so that one-time costs of the format's first use (Arrow's
codecs, Sdf's first layer) stay out of the timed open and get.

    runner gen drivers/usd-parquet/figures.hcl     # in DATA_DIR's parent
    drivers/usd-parquet/tools/figures.py DATA_DIR [WARM_DIR] > figures.md

DATA_DIR holds the files `runner gen` wrote (parquet-flat-1000-*.parquet,
usdc-flat-1000000-*.usdc, ...). WARM_DIR, when given, holds warm.parquet and
warm.usdc (any small scenes) for the warmed runs.

    testdata/timesamples.py write DIR --prims 10000 --row-group 1000
    drivers/usd-parquet/tools/figures.py --samples DIR > samples.md

times time samples instead: the warm read of one sample of the middle prim
(SdfLayer::QueryTimeSample, `sdfdump -time ... -at T`) against the warm read
of its default (SdfLayer::GetField), for the plugin (both indexes) and for
OpenUSD's crate reader on the same scene written as usdc by usd-core, with
the ratio of the two reads taken within each round.

    drivers/usd-parquet/tools/figures.py --compare OTHER_BUILD FILE > compare.md

times the warm default read (and the open) of the middle prim's `cost` and
`payload` in FILE (a runner building20 file with payload), both indexes,
with this folder's build and with another build of the plugin (a build
folder holding sdfdump and plugin/, e.g. of the commit before a change),
alternating the two in fresh processes; the ratio is taken within each
round.
"""
import glob
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUMP = os.path.join(HERE, "build", "sdfdump")
ENV = dict(os.environ, PXR_PLUGINPATH_NAME=os.path.join(HERE, "build", "plugin"))
RUNS = int(os.environ.get("RUNS", "5"))


def find(data, fmt, prims):
    ext = "parquet" if fmt == "parquet" else "usdc"
    hits = glob.glob(os.path.join(data, f"{fmt}-flat-{prims}-*.{ext}"))
    if not hits:
        sys.exit(f"figures: no {fmt} file of {prims} prims in {data}")
    return hits[0]


def run(cell):
    cmd = [DUMP] + cell["args"]
    if cell.get("warm"):
        cmd += ["-warm", cell["warm"]]
    prim = cell["prim"] if "prim" in cell else f"/World/Prim_{cell['prims'] // 2}"
    cmd += ["-time", prim, cell.get("prop", "cost")]
    cmd += cell.get("tail", []) + [cell["file"]]
    out = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit(f"figures: {' '.join(cmd)}: exit {out.returncode}\n{out.stderr}")
    return json.loads(out.stdout)


def fmt_time(ms):
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    if ms >= 1:
        return f"{ms:.2f} ms"
    if ms >= 0.001:
        return f"{ms * 1000:.1f} µs"
    return f"{ms * 1e6:.0f} ns"


def cellstat(samples, key, scale):
    vals = sorted(s[key] * scale for s in samples)
    return f"{fmt_time(statistics.median(vals))} ({fmt_time(vals[0])}–{fmt_time(vals[-1])})"


def samples(data):
    """The --samples table: warm sample reads against warm default reads."""
    readers = [
        ("parquet, index=eager", os.path.join(data, "scene.parquet"), ["-a", "index=eager"]),
        ("parquet, index=lazy", os.path.join(data, "scene.parquet"), ["-a", "index=lazy"]),
        ("usdc (usd-core's, OpenUSD's crate reader)", os.path.join(data, "scene.usdc"), []),
    ]
    # (property, its type, a sample time of it)
    props = [("cost", "double", 3.0), ("pos", "double3", 5.0), ("weights", "double[]", 2.0)]
    cells = []
    for label, path, args in readers:
        for prop, typ, t in props:
            for at in (None, t):
                cells.append({"label": label, "file": path, "args": args + ["-n", "10000"],
                              "prim": "/World/Prim_5000", "prop": prop, "type": typ, "at": at,
                              "tail": ["-at", repr(at)] if at is not None else [], "samples": []})
    for _ in range(RUNS):
        for c in cells:
            c["samples"].append(run(c))
    print(f"{RUNS} fresh processes per row, round robin; medians (range) of each process's median warm read "
          "(7 batches of 10,000); load average at the end "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| reader | property | warm default (GetField) | warm sample (QueryTimeSample) | sample / default "
          "| sample / usdc's sample | cold default | cold sample |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    by = {(c["label"], c["prop"], c["at"] is not None): c for c in cells}
    usdc = readers[-1][0]

    def ratio(a, b):  # median over rounds of a/b, both measured in the same round
        return statistics.median(x["warm_get_us"] / y["warm_get_us"] for x, y in zip(a, b))

    for label, _, _ in readers:
        for prop, typ, t in props:
            d, a = by[(label, prop, False)]["samples"], by[(label, prop, True)]["samples"]
            vs = f"{ratio(a, by[(usdc, prop, True)]['samples']):.2f}x" if label != usdc else ""
            print(f"| {label} | {prop} ({typ}) at {t:g} | {cellstat(d, 'warm_get_us', 1e-3)} | "
                  f"{cellstat(a, 'warm_get_us', 1e-3)} | {ratio(a, d):.2f}x | {vs} | "
                  f"{cellstat(d, 'cold_get_us', 1e-3)} | {cellstat(a, 'cold_get_us', 1e-3)} |")


def compare(other, path):
    """The --compare table: this build against another, warm default reads."""
    builds = [("other", os.path.abspath(other)), ("this", os.path.join(HERE, "build"))]
    cells = []
    for idx in ("eager", "lazy"):
        for prop in ("cost", "payload"):
            for name, b in builds:
                cells.append({"build": name, "dir": b, "idx": idx, "prop": prop, "samples": []})
    for _ in range(RUNS):
        for c in cells:
            cmd = [os.path.join(c["dir"], "sdfdump"), "-a", "index=" + c["idx"], "-n", "10000",
                   "-time", "/World/Prim_5000", c["prop"], path]
            env = dict(os.environ, PXR_PLUGINPATH_NAME=os.path.join(c["dir"], "plugin"))
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                sys.exit(f"figures: {' '.join(cmd)}: exit {out.returncode}\n{out.stderr}")
            c["samples"].append(json.loads(out.stdout))
    print(f"{RUNS} fresh processes per row, the two builds alternating; medians (range); "
          f"load average at the end {os.getloadavg()[0]:.1f}\n")
    print("| index | property | warm get, other | warm get, this | this / other | open, other | open, this |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for i in range(0, len(cells), 2):
        a, b = cells[i]["samples"], cells[i + 1]["samples"]
        r = statistics.median(y["warm_get_us"] / x["warm_get_us"] for x, y in zip(a, b))
        print(f"| {cells[i]['idx']} | {cells[i]['prop']} | {cellstat(a, 'warm_get_us', 1e-3)} | "
              f"{cellstat(b, 'warm_get_us', 1e-3)} | {r:.2f}x | {cellstat(a, 'open_ms', 1)} | "
              f"{cellstat(b, 'open_ms', 1)} |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == "--samples":
        samples(sys.argv[2])
        return
    data = sys.argv[1]
    warmdir = sys.argv[2] if len(sys.argv) > 2 else None
    cells = []
    for label, fmt, args in [
        ("parquet, index=lazy", "parquet", ["-a", "index=lazy"]),
        ("parquet, index=eager", "parquet", ["-a", "index=eager"]),
        ("usdc (OpenUSD's crate reader)", "usdc", []),
    ]:
        for prims in (1000, 1000000):
            for warm in ([False, True] if warmdir else [False]):
                cells.append({
                    "label": label, "prims": prims, "args": args, "file": find(data, fmt, prims),
                    "warm": os.path.join(warmdir, "warm." + fmt) if warm else None, "samples": [],
                })
    for _ in range(RUNS):
        for c in cells:
            c["samples"].append(run(c))
    print(f"{RUNS} fresh processes per row, medians (range); get = SdfLayer::GetField(<middle prim>.cost, default)\n")
    print("| reader | prims | first use warmed | open | cold get | warm get | RSS after open | library start-up |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for c in cells:
        s = c["samples"]
        rss = statistics.median(x["rss_open_kib"] for x in s) / 1024
        print(f"| {c['label']} | {c['prims']:,} | {'yes' if c['warm'] else 'no'} | "
              f"{cellstat(s, 'open_ms', 1)} | {cellstat(s, 'cold_get_us', 1e-3)} | "
              f"{cellstat(s, 'warm_get_us', 1e-3)} | {rss:.0f} MiB | "
              f"{fmt_time(statistics.median(x['startup_ms'] for x in s))} |")


if __name__ == "__main__":
    main()
