"""Reads time samples with OpenUSD's Usd API, for the Go tests to compare
with formats.TimeReader bit for bit.

usage: pxr_samples.py dump LAYER... [-- TIME...]
       pxr_samples.py write OUT

dump opens each layer as a stage, saves it again as LAYER.pxr (as
OpenUSD writes it) and prints one JSON line per authored
attribute of every prim (overs included): the layer's index, prim path,
attribute name, its sample times (attr.GetTimeSamples()), its default
(attr.Get()) and attr.Get(t) at every query time: each sample time,
times a quarter, half and nine tenths of the way between samples, one
before the first and one after the last, and the TIMEs given. Times are
the hex of their IEEE bits; values in usdcanon's canonical text ("none"
for no value).

write saves a layer made with the Usd API whose prims hold time samples
at different times, a blocked sample, a blocked default with samples and
values of many types, then dumps it as dump does.
"""
import json
import sys

from pxr import Gf, Sdf, Usd, Vt

import usdcanon


def precision(base):
    """The canonical float of one component of a value of scalar type base."""
    if base.startswith("float"):
        return usdcanon.f32
    if base.startswith("double") or base.startswith("half"):
        return usdcanon.f64
    return usdcanon.f32 if base.endswith("f") else usdcanon.f64


def element(base, x):
    if base in ("int", "int64"):
        return str(int(x))
    if base == "bool":
        return "1" if x else "0"
    if base in ("string", "token"):
        return "s:" + str(x).encode("utf-8").hex()
    if base == "asset":
        return "s:" + x.path.encode("utf-8").hex()
    if base in ("double", "half"):
        return usdcanon.f64(x)
    if base == "float":
        return usdcanon.f32(x)
    if base.startswith("quat"):
        f = precision(base)
        return "(" + ",".join(f(c) for c in [x.GetReal()] + list(x.GetImaginary())) + ")"
    if base.startswith("matrix"):
        n = len(x)
        return "(" + ",".join("(" + ",".join(usdcanon.f64(x[r][c]) for c in range(n)) + ")" for r in range(n)) + ")"
    if base.startswith("int"):
        return "(" + ",".join(str(int(c)) for c in x) + ")"
    f = precision(base)
    return "(" + ",".join(f(c) for c in x) + ")"


def canon(type_name, value):
    if value is None:
        return "none"
    base = str(type_name.scalarType)
    if type_name.isArray:
        return "[" + ",".join(element(base, x) for x in value) + "]"
    return element(base, value)


def queries(times, extra):
    qs = set(times) | set(extra)
    for t0, t1 in zip(times, times[1:]):
        for f in (0.25, 0.5, 0.9):
            qs.add(t0 + (t1 - t0) * f)
    if times:
        qs.add(times[0] - 1)
        qs.add(times[-1] + 1)
    return sorted(qs)


def dump(index, path, extra, out):
    stage = Usd.Stage.Open(path)
    if stage is None:
        sys.exit("OpenUSD could not open " + path)
    for prim in stage.TraverseAll():
        for attr in prim.GetAuthoredAttributes():
            tn = attr.GetTypeName()
            times = list(attr.GetTimeSamples())
            at = [[usdcanon.f64(t), canon(tn, attr.Get(Usd.TimeCode(t)))] for t in queries(times, extra)]
            out.write(json.dumps({"file": index, "prim": str(prim.GetPath()), "name": attr.GetName(),
                                  "type": str(tn), "times": [usdcanon.f64(t) for t in times],
                                  "default": canon(tn, attr.Get()), "at": at}) + "\n")


def write(out):
    stage = Usd.Stage.CreateInMemory()
    T = Sdf.ValueTypeNames

    def attr(prim, name, typ, default=None, samples=()):
        a = prim.CreateAttribute(name, typ)
        if default is not None:
            a.Set(default)
        for t, v in samples:
            a.Set(v, t)
        return a

    a = stage.DefinePrim("/World/A")
    attr(a, "x", T.Double, 1.0, [(1, 2.0), (2, 3.5), (4, -1.0)])
    attr(a, "c", T.Color3f, None, [(0.5, Gf.Vec3f(0.1, 0.2, 0.3)), (1.5, Gf.Vec3f(1, -2, 3.25))])
    attr(a, "n", T.Int, 5, [(1, 10), (3, 30)])
    attr(a, "k", T.Token, "z", [(1, "a"), (2, "b")])
    attr(a, "pos", T.Double3, None, [(0, Gf.Vec3d(0, 0, 0)), (1 / 3, Gf.Vec3d(1e-3, 2, -7))])
    b = stage.DefinePrim("/World/B")
    attr(b, "x", T.Double, None, [(10, 1.0), (20, Sdf.ValueBlock()), (30, 3.0), (40, 4.0)])
    attr(b, "w", T.FloatArray, None, [(0, Vt.FloatArray([1, 2])), (1, Vt.FloatArray([3, 4.5])),
                                       (2, Vt.FloatArray([5, 6, 7]))])
    attr(b, "q", T.Quatf, None, [(0, Gf.Quatf(1, 0, 0, 0)), (10, Gf.Quatf(0.70710677, 0.70710677, 0, 0))])
    attr(b, "qd", T.Quatd, None, [(0, Gf.Quatd(0.5, 0.5, 0.5, 0.5)), (1, Gf.Quatd(-0.5, 0.5, -0.5, 0.5))])
    attr(b, "m", T.Matrix4d, None, [(0, Gf.Matrix4d(1)), (1, Gf.Matrix4d().SetTranslate(Gf.Vec3d(1, 2, 3)))])
    attr(b, "h", T.Half, None, [(0, 0.1), (1, 3.7)])
    attr(b, "pts", T.Point3fArray, None, [(0, Vt.Vec3fArray([(0, 0, 0), (1, 1, 1)])),
                                          (1, Vt.Vec3fArray([(0.3, 0.6, 0.9), (2, 2, 2)]))])
    attr(b, "s", T.String, None, [(0, "first"), (1, "second")])
    attr(b, "st", T.TexCoord2fArray, None, [(0, Vt.Vec2fArray([(0, 0.1)])), (1, Vt.Vec2fArray([(1, 0.7)]))])
    attr(b, "ha", T.HalfArray, None, [(0, Vt.HalfArray([0.1, 2])), (1, Vt.HalfArray([0.7, -3]))])
    attr(b, "d2", T.Double2, None, [(0, Gf.Vec2d(0.1, 0.2)), (1, Gf.Vec2d(0.7, -0.3))])
    attr(b, "f4", T.Float4, None, [(0, Gf.Vec4f(0.1, 0.2, 0.3, 0.4)), (1, Gf.Vec4f(0.7, -0.3, 1, 2))])
    c = stage.DefinePrim("/World/C")
    attr(c, "x", T.Double, 7.0)
    d = stage.DefinePrim("/World/D")
    attr(d, "x", T.Double, Sdf.ValueBlock(), [(-5, 1.0), (5, 2.0)])
    if not stage.GetRootLayer().Export(out):
        sys.exit("OpenUSD could not export " + out)


def main():
    args = sys.argv[1:]
    mode = args.pop(0)
    if mode == "write":
        write(args[0])
        dump(0, args[0], [], sys.stdout)
        return
    extra = []
    if "--" in args:
        i = args.index("--")
        args, extra = args[:i], [float(t) for t in args[i + 1:]]
    for i, path in enumerate(args):
        dump(i, path, extra, sys.stdout)
        if not Sdf.Layer.FindOrOpen(path).Export(path + ".pxr"):
            sys.exit("OpenUSD could not export " + path + ".pxr")


if __name__ == "__main__":
    main()
