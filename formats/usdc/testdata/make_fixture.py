"""Write a .usdc layer with OpenUSD: prims carrying one attribute of every
type the benchmark formats support, in a flat or deep hierarchy.

Usage: make_fixture.py OUT.usdc flat|deep N SEED [CRATE_VERSION] [--dump]

With --dump the saved file is reopened and printed as dump_layer.py does.

Values mix what OpenUSD stores in different ways: doubles that inline as
floats and doubles that do not, vectors of small integers (inlined) and
of fractions, arrays short and long, integral float arrays (stored as
compressed ints), arrays with few distinct values (lookup tables), and
plain random ones. The layer also carries layer metadata.
"""
import json
import os
import random
import sys

DUMP = "--dump" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--dump"]
if len(ARGS) > 4 and ARGS[4]:
    # Read by OpenUSD when it first creates a crate file.
    os.environ["USD_WRITE_NEW_USDC_FILES_AS_VERSION"] = ARGS[4]

from pxr import Gf, Sdf, Vt  # noqa: E402

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def prim_path(hier, i):
    if hier == "deep":
        return "/World/Zone_%d/Level_%d/Room_%d/Component_%d" % (
            i // 1000, i // 100 % 10, i // 10 % 10, i % 10)
    return "/World/Prim_%d" % i


def gen_double(r, i):
    if i % 97 == 5:
        return float("nan")
    return r.choice([1.5, r.random() * 1000, -0.0, 1e300, 0.1])


def gen_double_array(r, i):
    n = r.choice([0, 3, 20, 40])
    if n == 20:
        return Vt.DoubleArray([float(r.randint(-500, 500)) for _ in range(n)])
    if n == 40:
        if r.random() < 0.5:
            return Vt.DoubleArray([(0.25, 0.1, -7.5)[k % 3] for k in range(n)])
        return Vt.DoubleArray([0.25 if k % 2 == 0 else r.random() for k in range(n)])
    return Vt.DoubleArray([r.random() for _ in range(n)])


def gen_float_array(r, i):
    n = r.choice([0, 5, 16, 64])
    if n == 16:
        return Vt.FloatArray([float(k * 3) for k in range(n)])
    if n == 64 and r.random() < 0.5:
        return Vt.FloatArray([float(k % 4) for k in range(63)] + [0.5])
    return Vt.FloatArray([r.gauss(0, 1) for _ in range(n)])


def gen_int_array(r, i):
    n = r.choice([0, 5, 16, 100])
    return Vt.IntArray([-2**31 if k % 3 == 0 else r.randint(0, 1 << 20) for k in range(n)])


def gen_points(r, i):
    n = r.choice([0, 1, 4, 30])
    return Vt.Vec3fArray([Gf.Vec3f(k, r.random(), -1) for k in range(n)])


PROPS = [
    ("cost", "double", gen_double),
    ("ratio", "float", lambda r, i: r.gauss(0, 1)),
    ("lifespan", "int", lambda r, i: r.randint(-100, 100)),
    ("serial", "int64", lambda r, i: r.choice([7, -(1 << 40), r.randint(0, 2**63 - 1), -2**63])),
    ("is_active", "bool", lambda r, i: r.random() < 0.5),
    ("supplier_id", "string", lambda r, i: r.choice(["", "SUP-%d" % r.randint(0, 9999), "naïve \"quoted\"\n"])),
    ("payload", "string", lambda r, i: "".join(r.choice(LETTERS) for _ in range(300))),
    ("kind", "token", lambda r, i: r.choice(["alpha", "beta", "gamma"])),
    ("color", "float3", lambda r, i: r.choice([Gf.Vec3f(1, -2, 127), Gf.Vec3f(r.random(), 2.5, 0)])),
    ("origin", "double3", lambda r, i: r.choice([Gf.Vec3d(0, 5, -128), Gf.Vec3d(r.random(), 1e-300, 3)])),
    ("samples", "double[]", gen_double_array),
    ("weights", "float[]", gen_float_array),
    ("ids", "int[]", gen_int_array),
    ("points", "float3[]", gen_points),
]


def main():
    out, hier, n, seed = ARGS[0], ARGS[1], int(ARGS[2]), int(ARGS[3])
    r = random.Random(seed)
    layer = Sdf.Layer.CreateNew(out)
    layer.documentation = "scenebench usdc fixture"
    layer.customLayerData = {"generator": "make_fixture.py", "prims": n}
    with Sdf.ChangeBlock():
        for i in range(n):
            prim = Sdf.CreatePrimInLayer(layer, prim_path(hier, i))
            prim.specifier = Sdf.SpecifierDef
            prim.typeName = "Xform"
            for name, tn, gen in PROPS:
                a = Sdf.AttributeSpec(prim, name, Sdf.ValueTypeNames.Find(tn))
                a.default = gen(r, i)
    if not layer.Save():
        sys.exit("save failed")
    if DUMP:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import dump_layer
        json.dump(dump_layer.dump(Sdf.Layer.OpenAsAnonymous(out)), sys.stdout)


if __name__ == "__main__":
    main()
