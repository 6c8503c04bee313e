"""Print what OpenUSD reads from USD files' time samples, as canonical JSON.

Usage: time_samples.py [--make OUT] [--resave SRC DST] FILE...

With --make, OpenUSD first writes OUT, a crate layer with time samples of
several types: per-prim different times, a blocked sample, an attribute
with samples and no default. With --resave, OpenUSD re-saves the layer
SRC as DST (Sdf.Layer.Export). Then, for every FILE (OUT among them if it is
listed), prints one JSON list entry per file: for each prim (by path
order) and attribute with time samples, the times of
UsdAttribute.GetTimeSamples(), and UsdAttribute.Get at query times: every
sample time, the midpoint and a 0.3 point between samples, and times
before the first and after the last. Values are encoded as dump_layer.py
encodes them (IEEE bits), None (a blocked value) as null.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dump_layer import bits32, bits64, encode  # noqa: E402
from pxr import Sdf, Usd, Vt  # noqa: E402


def quat(bits):
    # Real part first, as runner's scene model writes quaternions.
    return lambda q: [bits(q.GetReal())] + [bits(c) for c in q.GetImaginary()]


# Types dump_layer.py does not encode; half as its exact double.
MORE = {
    "half": bits64,
    "double2": lambda v: [bits64(c) for c in v],
    "float2": lambda v: [bits32(c) for c in v],
    "float4": lambda v: [bits32(c) for c in v],
    "quatf": quat(bits32),
    "quatd": quat(bits64),
    "matrix4d": lambda m: [[bits64(m[r][c]) for c in range(4)] for r in range(4)],
}


def encode_any(type_name, value):
    array = type_name.endswith("[]")
    f = MORE.get(type_name[:-2] if array else type_name)
    if f is None:
        return encode(type_name, value)
    return [f(e) for e in value] if array else f(value)


def make(path):
    """Write a layer whose prims have different times and types."""
    stage = Usd.Stage.CreateNew(path)
    for i in range(6):
        prim = stage.DefinePrim("/World/P_%d" % i, "Xform")
        times = [1.0 + i * 0.5 + k * (1 + i % 3) for k in range(3 + i % 2)]
        d = prim.CreateAttribute("d", Sdf.ValueTypeNames.Double)
        d.Set(0.125 * i)
        f = prim.CreateAttribute("f", Sdf.ValueTypeNames.Float)
        v3 = prim.CreateAttribute("v3", Sdf.ValueTypeNames.Double3)
        f3 = prim.CreateAttribute("f3", Sdf.ValueTypeNames.Float3)
        fa = prim.CreateAttribute("fa", Sdf.ValueTypeNames.FloatArray)
        tok = prim.CreateAttribute("tok", Sdf.ValueTypeNames.Token)
        n = prim.CreateAttribute("n", Sdf.ValueTypeNames.Int)
        for k, t in enumerate(times):
            x = 0.1 * (k + 1) + i / 7.0
            d.Set(x * 3, t)
            f.Set(x, t)
            v3.Set((x, -x / 3, 1e-3 * k), t)
            f3.Set((x, 2.5 * k, -x), t)
            fa.Set(Vt.FloatArray([x * j for j in range(3 + k % 2 * (i % 2))]), t)
            tok.Set(["a", "b", "c", "d"][k], t)
            n.Set(k * 10 - i, t)
        if i % 2 == 1:
            d.Set(Sdf.ValueBlock(), times[1])
            f.Set(Sdf.ValueBlock(), times[-1])
    stage.GetRootLayer().Save()


def queries(times):
    qs = list(times)
    for a, b in zip(times, times[1:]):
        qs += [(a + b) / 2, a + (b - a) * 0.3]
    if times:
        qs += [times[0] - 1, times[-1] + 1.5]
    return qs


def dump(path):
    stage = Usd.Stage.Open(path)
    if stage is None:
        sys.exit("cannot open " + path)
    prims = []
    for prim in stage.Traverse():
        attrs = []
        for a in prim.GetAttributes():
            times = a.GetTimeSamples()
            if not times:
                continue
            tn = str(a.GetTypeName())
            qs = queries(times)
            vals = []
            for t in qs:
                v = a.Get(Usd.TimeCode(t))
                vals.append(None if v is None else encode_any(tn, v))
            attrs.append({
                "name": a.GetName(),
                "type": tn,
                "times": [bits64(t) for t in times],
                "queries": [bits64(t) for t in qs],
                "values": vals,
            })
        if attrs:
            prims.append({"path": str(prim.GetPath()), "attrs": attrs})
    return prims


def main():
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--make":
        make(args[1])
        args = args[2:]
    if len(args) >= 3 and args[0] == "--resave":
        if not Sdf.Layer.FindOrOpen(args[1]).Export(args[2]):
            sys.exit("export of %s failed" % args[1])
        args = args[3:]
    json.dump([dump(p) for p in args], sys.stdout)


if __name__ == "__main__":
    main()
