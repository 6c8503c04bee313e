"""Time samples in runner's wide Parquet layout, against OpenUSD.

A scene whose properties carry time samples is written twice: as Parquet in
the wide layout (property p's sample k is the column "p@k", the
times are in the "samples" entry of p in the scenebench.scene metadata) with
pyarrow, and as usda with usd-core's Sdf. Then:

  write DIR            (project venv: pyarrow, usd-core) DIR/scene.parquet,
                       DIR/scene.usda, DIR/bad-*.parquet (one fault each,
                       listed with the error expected in DIR/bad.json), and
                       With --prims N [--row-group R]: only the scene, at N
                       prims, as parquet, usda and usdc (usd-core's), for
                       tools/figures.py --samples.
  sdf DIR ARGS...      (.venv-pxr, the plugin on PXR_PLUGINPATH_NAME) opens
                       DIR/scene.parquet through Sdf.Layer.FindOrOpen with
                       each file format argument set given as k=v,k=v (or
                       "-" for none) and compares every time-sample query
                       with the usda's; exports each to usda and usdc.
  usd DIR              (project venv) Usd.Stage.Open of the usda and of every
                       export: GetTimeSamples() and Get(t) at every sample
                       time, between samples, before the first and after the
                       last must be equal.

Each check prints one summary line; a mismatch exits 1 naming what differs.
"""

import json
import math
import random
import sys
from pathlib import Path

# (name, USD type, samples (count, start, step) or None). One of each type
# the plugin reads with samples, plus an unanimated string and a single
# sample with step 0.
PROPS = [
    ("cost", "double", (5, 1.0, 1.0)),
    ("mass", "float", (3, -2.0, 0.5)),
    ("pos", "double3", (4, 0.0, 2.5)),
    ("color", "float3", (2, 10.0, 1.0)),
    ("lifespan", "int", (3, 1.0, 1.0)),
    ("kind", "token", (3, 1.5, 0.75)),
    ("weights", "double[]", (3, 1.0, 1.0)),
    ("label", "string", None),
    ("area", "double", (1, 5.0, 0.0)),
]
TOKENS = ["small", "medium", "large", "huge"]


def paths(n):
    """Prim paths: flat under /World, some one level deeper."""
    out = []
    for i in range(n):
        out.append(f"/World/Group_{i % 3}/Prim_{i}" if i % 4 == 3 else f"/World/Prim_{i}")
    return out


def value(rng, typ, prim, k):
    """A seeded value; k is the sample index (-1: the default)."""
    if typ == "double":
        return rng.uniform(-1e3, 1e3)
    if typ == "float":
        # exactly representable as float32, so Python and USD agree
        import struct
        return struct.unpack("f", struct.pack("f", rng.uniform(-100, 100)))[0]
    if typ == "int":
        return rng.randint(-1000, 1000)
    if typ == "token":
        return rng.choice(TOKENS)
    if typ == "string":
        return f"label {prim} {rng.randint(0, 99)}"
    if typ == "double3":
        return [rng.uniform(-10, 10) for _ in range(3)]
    if typ == "float3":
        import struct
        return [struct.unpack("f", struct.pack("f", rng.uniform(-10, 10)))[0] for _ in range(3)]
    if typ == "double[]":
        # same length over a prim's samples (interpolated), except for
        # every 5th prim, whose lengths change (held, as OpenUSD does)
        n = 3 if prim % 5 else 2 + (k % 3)
        return [rng.uniform(-1, 1) for _ in range(n)]
    raise ValueError(typ)


def scene(n, seed=7):
    """{prop: {"default": [per prim], "samples": [[per prim] per k]}}."""
    rng = random.Random(seed)
    data = {}
    for name, typ, smp in PROPS:
        d = {"default": [value(rng, typ, i, -1) for i in range(n)], "samples": []}
        if smp:
            for k in range(smp[0]):
                d["samples"].append([value(rng, typ, i, k) for i in range(n)])
        data[name] = d
    return data


def times(smp):
    count, start, step = smp
    return [start + k * step for k in range(count)]


# ---- write (pyarrow + usd-core) -------------------------------------------


def arrow_type(pa, typ):
    elem = lambda t: pa.field("element", t, nullable=False)
    return {
        "double": pa.float64(),
        "float": pa.float32(),
        "int": pa.int32(),
        "token": pa.string(),
        "string": pa.string(),
        "double3": pa.list_(elem(pa.float64()), 3),
        "float3": pa.list_(elem(pa.float32()), 3),
        "double[]": pa.list_(elem(pa.float64())),
    }[typ]


def scene_json(n, props):
    ps = []
    for name, typ, smp in props:
        p = {"name": name, "type": typ}
        if smp:
            p["samples"] = {"count": smp[0], "start": smp[1], "step": smp[2]}
        ps.append(p)
    return json.dumps({"schema": "custom", "prims": n, "properties": ps})


def write_parquet(path, n, data, row_group, compression="zstd", props=None, columns=None):
    """The wide layout: path, then each property's column followed by its
    sample columns. columns, when given, edits the [(name, field, array)]
    list before writing (the bad files)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    props = props or PROPS
    cols = [("path", pa.field("path", pa.string(), nullable=False), pa.array(paths(n), pa.string()))]
    for name, typ, smp in PROPS:
        t = arrow_type(pa, typ)
        cols.append((name, pa.field(name, t, nullable=False), pa.array(data[name]["default"], t)))
        for k, vals in enumerate(data[name]["samples"]):
            c = f"{name}@{k}"
            cols.append((c, pa.field(c, t, nullable=False), pa.array(vals, t)))
    if columns:
        cols = columns(cols)
    schema = pa.schema([f for _, f, _ in cols], metadata={"scenebench.scene": scene_json(n, props)})
    table = pa.Table.from_arrays([a for _, _, a in cols], schema=schema)
    pq.write_table(table, path, row_group_size=row_group, compression=compression)


def usd_value(Gf, Vt, typ, v):
    if typ == "double3":
        return Gf.Vec3d(*v)
    if typ == "float3":
        return Gf.Vec3f(*v)
    if typ == "double[]":
        return Vt.DoubleArray(v)
    return v


def write_usda(path, n, data, usdc=None):
    from pxr import Gf, Sdf, Vt

    names = {"double": "Double", "float": "Float", "int": "Int", "token": "Token", "string": "String",
             "double3": "Double3", "float3": "Float3", "double[]": "DoubleArray"}
    layer = Sdf.Layer.CreateAnonymous(".usda")
    for i, p in enumerate(paths(n)):
        sp = Sdf.CreatePrimInLayer(layer, p)
        for ancestor in Sdf.Path(p).GetAncestorsRange():
            layer.GetPrimAtPath(ancestor).specifier = Sdf.SpecifierOver
        for name, typ, smp in PROPS:
            a = Sdf.AttributeSpec(sp, name, getattr(Sdf.ValueTypeNames, names[typ]))
            a.default = usd_value(Gf, Vt, typ, data[name]["default"][i])
            if smp:
                for k, t in enumerate(times(smp)):
                    layer.SetTimeSample(a.path, t, usd_value(Gf, Vt, typ, data[name]["samples"][k][i]))
    layer.Export(str(path))
    if usdc:
        layer.Export(str(usdc))


def write_bad(d, n, data):
    """One fault each; bad.json maps file to the text the error must hold."""
    import pyarrow as pa

    bad = {}

    def drop(name):
        return lambda cols: [c for c in cols if c[0] != name]

    write_parquet(d / "bad-missing.parquet", n, data, 4, columns=drop("pos@3"))
    bad["bad-missing.parquet"] = 'property "pos" declares 4 time samples, but column "pos@3" is missing'

    def retype(cols):
        out = []
        for name, f, a in cols:
            if name == "cost@2":
                f, a = pa.field(name, pa.float32(), nullable=False), a.cast(pa.float32())
            out.append((name, f, a))
        return out

    write_parquet(d / "bad-type.parquet", n, data, 4, columns=retype)
    bad["bad-type.parquet"] = 'column "cost@2" holds float (FLOAT), but property "cost" is double (DOUBLE)'

    def extra(cols):
        name, f, a = next(c for c in cols if c[0] == "mass@2")
        return cols + [("mass@3", pa.field("mass@3", f.type, nullable=False), a)]

    write_parquet(d / "bad-extra.parquet", n, data, 4, columns=extra)
    bad["bad-extra.parquet"] = 'column "mass@3": property "mass" declares 3 time samples (columns "mass@0" to "mass@2")'

    def unanimated(cols):
        name, f, a = next(c for c in cols if c[0] == "label")
        return cols + [("label@0", pa.field("label@0", f.type, nullable=False), a)]

    write_parquet(d / "bad-unanimated.parquet", n, data, 4, columns=unanimated)
    bad["bad-unanimated.parquet"] = 'column "label@0": property "label" declares 0 time samples'

    fewer = [(nm, ty, (2, s[1], s[2]) if nm == "cost" else s) for nm, ty, s in PROPS]
    write_parquet(d / "bad-count.parquet", n, data, 4, props=fewer)
    bad["bad-count.parquet"] = 'column "cost@2": property "cost" declares 2 time samples'

    zero = [(nm, ty, (3, s[1], 0.0) if nm == "mass" else s) for nm, ty, s in PROPS]
    write_parquet(d / "bad-step.parquet", n, data, 4, props=zero)
    bad["bad-step.parquet"] = 'property "mass": samples step must be more than 0'
    (d / "bad.json").write_text(json.dumps(bad, indent=1))


def cmd_write(d, argv):
    n, rg = 13, 4
    big = False
    while argv:
        flag, val = argv.pop(0), argv.pop(0)
        if flag == "--prims":
            n, big = int(val), True
        elif flag == "--row-group":
            rg = int(val)
        else:
            raise SystemExit(f"unknown flag {flag}")
    data = scene(n)
    write_parquet(d / "scene.parquet", n, data, rg)
    write_usda(d / "scene.usda", n, data, usdc=d / "scene.usdc" if big else None)
    if not big:
        write_parquet(d / "scene-none.parquet", n, data, 5, compression="none")
        write_bad(d, n, data)
    print(f"wrote {n} prims, {len(PROPS)} properties, row groups of {rg}")


# ---- sdf (.venv-pxr, the plugin) -----------------------------------------


def probe_times(ts):
    """Sample times, midpoints, and times before the first and after the last."""
    out = list(ts)
    out += [(a + b) / 2 for a, b in zip(ts, ts[1:])]
    out += [ts[0] - 1.25, ts[-1] + 1.25] if ts else [0.0]
    return sorted(set(out))


def same(a, b):
    return type(a) is type(b) and a == b


def cmd_sdf(d, argv):
    from pxr import Sdf, Tf

    ref = Sdf.Layer.FindOrOpen(str(d / "scene.usda"))
    checks = 0
    for spec in argv:
        name, _, argstr = spec.partition(":")
        args = dict(kv.split("=", 1) for kv in argstr.split(",") if kv) if argstr else {}
        layer = Sdf.Layer.FindOrOpen(str(d / name), args)
        if layer is None:
            raise SystemExit(f"{spec}: the layer did not open")
        what = f"{spec}"

        def check(label, got, want):
            nonlocal checks
            checks += 1
            if not same(got, want):
                raise SystemExit(f"{what}: {label}: plugin {got!r}, usda {want!r}")

        check("ListAllTimeSamples", layer.ListAllTimeSamples(), ref.ListAllTimeSamples())
        for t in probe_times(sorted(ref.ListAllTimeSamples())):
            check(f"GetBracketingTimeSamples({t})", layer.GetBracketingTimeSamples(t), ref.GetBracketingTimeSamples(t))
        n = 0
        for p in paths(json.loads(_scene_json(d / name))["prims"]):
            for pname, typ, smp in PROPS:
                ap = Sdf.Path(p).AppendProperty(pname)
                at = f"<{ap}>"
                check(at + " default", layer.GetAttributeAtPath(ap).default, ref.GetAttributeAtPath(ap).default)
                ts = layer.ListTimeSamplesForPath(ap)
                check(at + " ListTimeSamplesForPath", ts, ref.ListTimeSamplesForPath(ap))
                check(at + " GetNumTimeSamplesForPath", layer.GetNumTimeSamplesForPath(ap), ref.GetNumTimeSamplesForPath(ap))
                for t in probe_times(ts):
                    check(f"{at} GetBracketingTimeSamplesForPath({t})",
                          layer.GetBracketingTimeSamplesForPath(ap, t), ref.GetBracketingTimeSamplesForPath(ap, t))
                    check(f"{at} QueryTimeSample({t})", layer.QueryTimeSample(ap, t), ref.QueryTimeSample(ap, t))
                    check(f"{at} GetPreviousTimeSampleForPath({t})",
                          layer.GetPreviousTimeSampleForPath(ap, t), ref.GetPreviousTimeSampleForPath(ap, t))
                # the whole field, as export and other tools ask for it
                check(at + " timeSamples", layer.GetAttributeAtPath(ap).GetInfo("timeSamples"),
                      ref.GetAttributeAtPath(ap).GetInfo("timeSamples"))
                check(at + " HasInfo(timeSamples)", layer.GetAttributeAtPath(ap).HasInfo("timeSamples"), smp is not None)
                check(at + " fields", "timeSamples" in layer.GetAttributeAtPath(ap).ListInfoKeys(), smp is not None)
                n += 1
        # read-only: a sample cannot be set
        ap = Sdf.Path(paths(1)[0]).AppendProperty("cost")
        try:
            layer.SetTimeSample(ap, 99.0, 1.0)
            refused = False
        except Tf.ErrorException:
            refused = True
        check("SetTimeSample refused", refused and layer.QueryTimeSample(ap, 99.0) is None, True)
        safe = name.replace(".parquet", "") + "-" + (argstr.replace("=", "-").replace(",", "-") or "default")
        for ext in ("usda", "usdc"):
            if not layer.Export(str(d / f"export-{safe}.{ext}")):
                raise SystemExit(f"{what}: export to {ext} failed")
    print(f"sdf: {len(argv)} layers, {checks} checks equal to the usda")


def _scene_json(path):
    import pyarrow.parquet as pq
    return pq.ParquetFile(path).metadata.metadata[b"scenebench.scene"].decode()


# ---- usd (project venv: usd-core) ----------------------------------------


def cmd_usd(d, argv):
    from pxr import Usd

    ref = Usd.Stage.Open(str(d / "scene.usda"))
    exports = sorted(d.glob("export-*.usd[ac]"))
    if not exports:
        raise SystemExit("no exported layers to compare")
    checks = 0
    for e in exports:
        st = Usd.Stage.Open(str(e))
        for prim in ref.TraverseAll():
            for a in prim.GetAttributes():
                b = st.GetPrimAtPath(prim.GetPath()).GetAttribute(a.GetName())
                ts = a.GetTimeSamples()
                if b.GetTimeSamples() != ts:
                    raise SystemExit(f"{e.name}: {a.GetPath()}: GetTimeSamples {b.GetTimeSamples()}, usda {ts}")
                for t in [Usd.TimeCode.Default()] + [Usd.TimeCode(x) for x in probe_times(ts)]:
                    got, want = b.Get(t), a.Get(t)
                    checks += 1
                    if not same(got, want):
                        raise SystemExit(f"{e.name}: {a.GetPath()}.Get({t}): {got!r}, usda {want!r}")
    print(f"usd: {len(exports)} exported layers, {checks} Get(t) equal to the usda")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    cmd, d, rest = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    {"write": cmd_write, "sdf": cmd_sdf, "usd": cmd_usd}[cmd](d, rest)


if __name__ == "__main__":
    main()
