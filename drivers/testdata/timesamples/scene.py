"""Writes a small scene with per-prim time samples (scene.usda and
scene.usdc in the directory given, and base.usda, its hierarchy for a
composed open) with usd-core, and prints on stdout, as
one JSON object, what usd-core's UsdAttribute::Get reads from it: each
prim's default value of each property and its value at each query time
(null where it has none),
and for "all" each property's time samples (attr.GetTimeSamples(), each
read with attr.Get(t)) or its default. drivers/timesamples_test.go digests
these values with formats.Digest and checks that every OpenUSD driver
answers the same digests.

usage: scene.py OUT_DIR
       scene.py --bench PRIMS SAMPLES OUT_DIR   writes bench.usdc only: PRIMS
           prims whose every property has SAMPLES samples at 1, 2, ...
"""

import json
import os
import sys

from pxr import Gf, Sdf, Usd, Vt

# name, type, default, samples per prim (time -> value; None: no samples).
# The prims' sample times differ on purpose: Prim_0 at 1, 2, 4; Prim_1 at
# 0.5 and 3; Prim_2 none; Prim_3 one sample at 2; Prim_4 at 1, 2, 3 with a
# blocked sample and arrays that change length.
PROPS = [
    ("weight", "double", 0.25),
    ("size", "float", 1.5),
    ("xform", "double3", Gf.Vec3d(1, 2, 3)),
    ("color", "color3f", Gf.Vec3f(0.1, 0.2, 0.3)),
    ("curve", "float[]", Vt.FloatArray([0.5, 1.5])),
    ("ramp", "double[]", Vt.DoubleArray([1.0, 2.0, 3.0])),
    ("points", "point3f[]", Vt.Vec3fArray([Gf.Vec3f(0, 1, 2)])),
    ("count", "int", 7),
    ("label", "token", "rest"),
]

TIMES = {
    "Prim_0": [1.0, 2.0, 4.0],
    "Prim_1": [0.5, 3.0],
    "Prim_2": [],
    "Prim_3": [2.0],
    "Prim_4": [1.0, 2.0, 3.0],
}

# The query times: sample times, between samples, before and after all.
QUERIES = [-1.0, 0.5, 1.0, 1.5, 2.0, 2.75, 1.0 / 3.0, 3.0, 10.0]


def sample(name, prim_index, k, t):
    """A value of property name at sample k (time t) of a prim, varied so
    that interpolation is not trivial."""
    i = prim_index
    s = 0.1 * (k + 1) + 0.37 * i + t / 7.0
    return {
        "weight": 100.0 * s - 3.0 * k * k,
        "size": float(s * s),
        "xform": Gf.Vec3d(s, -2.0 * s + k, 1.0 / (s + 1.0)),
        "color": Gf.Vec3f(s / 3.0, 0.5 - s / 9.0, k / 7.0),
        "curve": Vt.FloatArray([s * j + 0.125 for j in range(2 + (k if i == 4 else 0))]),
        "ramp": Vt.DoubleArray([s / (j + 1.0) for j in range(3)]),
        "points": Vt.Vec3fArray([Gf.Vec3f(s + j, s * j, -s) for j in range(2)]),
        "count": 10 * i + k,
        "label": "key_%d_%d" % (i, k),
    }[name]


def build(path):
    layer = Sdf.Layer.CreateNew(path)
    world = Sdf.CreatePrimInLayer(layer, "/World")
    world.specifier = Sdf.SpecifierDef
    for i, (prim_name, times) in enumerate(TIMES.items()):
        prim = Sdf.CreatePrimInLayer(layer, "/World/" + prim_name)
        prim.specifier = Sdf.SpecifierDef
        for name, type_name, default in PROPS:
            spec = Sdf.AttributeSpec(prim, name, Sdf.ValueTypeNames.Find(type_name))
            spec.default = default
            for k, t in enumerate(times):
                v = sample(name, i, k, t)
                if prim_name == "Prim_4" and name == "weight" and k == 1:
                    v = Sdf.ValueBlock()
                layer.SetTimeSample(spec.path, t, v)
    layer.Save()
    # The base a composed open stacks the scene under: the hierarchy as
    # def prims without properties.
    base = Sdf.Layer.CreateNew(os.path.join(os.path.dirname(path), "base.usda"))
    Sdf.CreatePrimInLayer(base, "/World").specifier = Sdf.SpecifierDef
    for prim_name in TIMES:
        Sdf.CreatePrimInLayer(base, "/World/" + prim_name).specifier = Sdf.SpecifierDef
    base.Save()
    return layer


def plain(v):
    """A value as JSON: numbers, lists of numbers or of triples, strings."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (Gf.Vec3d, Gf.Vec3f)):
        return [float(x) for x in v]
    return [plain(x) for x in v]


def main(out):
    usda = os.path.join(out, "scene.usda")
    layer = build(usda)
    layer.Export(os.path.join(out, "scene.usdc"))
    stage = Usd.Stage.Open(usda)
    prims = ["/World/" + n for n in TIMES]
    defaults = {p: {n: plain(stage.GetPrimAtPath(p).GetAttribute(n).Get()) for n, _, _ in PROPS} for p in prims}
    reads = {}
    for t in QUERIES:
        reads[repr(t)] = {p: {n: plain(stage.GetPrimAtPath(p).GetAttribute(n).Get(Usd.TimeCode(t)))
                              for n, _, _ in PROPS} for p in prims}
    every = {}
    for p in prims:
        every[p] = {}
        for n, _, _ in PROPS:
            a = stage.GetPrimAtPath(p).GetAttribute(n)
            ts = a.GetTimeSamples()
            if ts:
                every[p][n] = {"times": list(ts), "values": [plain(a.Get(x)) for x in ts]}
            else:
                every[p][n] = {"default": plain(a.Get())}
    json.dump({
        "prims": prims,
        "properties": [[n, tn] for n, tn, _ in PROPS],
        "queries": QUERIES,
        "defaults": defaults,
        "reads": reads,
        "all": every,
    }, sys.stdout, separators=(",", ":"))


def bench(prims, samples, out):
    """A larger scene for timing reads at a time: every prim's every
    property animated, at the times 1 to samples."""
    layer = Sdf.Layer.CreateNew(os.path.join(out, "bench.usdc"))
    with Sdf.ChangeBlock():
        world = Sdf.CreatePrimInLayer(layer, "/World")
        world.specifier = Sdf.SpecifierDef
        for i in range(prims):
            prim = Sdf.CreatePrimInLayer(layer, "/World/Prim_%d" % i)
            prim.specifier = Sdf.SpecifierDef
            for name, type_name, default in PROPS:
                spec = Sdf.AttributeSpec(prim, name, Sdf.ValueTypeNames.Find(type_name))
                spec.default = default
                for k in range(samples):
                    layer.SetTimeSample(spec.path, float(k + 1), sample(name, i, k, float(k + 1)))
    layer.Save()


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        main(sys.argv[1])
