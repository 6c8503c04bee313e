"""Builds layers with every attribute type the scene model supports through
OpenUSD's own APIs (Sdf and Usd), exports each as .usda and writes next to it
NAME.json: the values OpenUSD holds, as usdcanon.dump_layer prints them.
The large layer (deep_big, two properties) lists every 997th prim only.

usage: pxr_fixture.py OUTDIR [PRIMS]   (PRIMS > 0 adds deep_big)
"""
import math
import os
import sys

from pxr import Gf, Sdf, Usd, UsdGeom, Vt

import usdcanon

T = Sdf.ValueTypeNames
SPECIAL = [0.0, -0.0, 1.0 / 3, 0.1, 1e300, -1e-300, 5e-324, 2.2250738585072014e-308,
           1.7976931348623157e308, 123456789.125, 1e15, 1e-7, float("inf"), float("-inf"), float("nan")]
STRINGS = ["", "plain", 'double "quoted"', "single 'quoted'", "both ' and \"", "line\nbreak",
           "tab\tcr\r", "back\\slash", "naïve café ☃ 日本", "ctrl\x01\x1f\x7f", "trailing\\"]


def values(i):
    """One value of every type for prim number i."""
    f = float(i)
    s = SPECIAL[i % len(SPECIAL)]
    return [
        ("cost", T.Double, s + f * 0.001 if math.isfinite(s) else s),
        ("ratio", T.Float, s if i % 2 else f * 0.25 - 3),
        ("lifespan", T.Int, [0, -1, 2**31 - 1, -2**31][i % 4] if i < 8 else i - 50),
        ("serial", T.Int64, [2**63 - 1, -2**63][i % 2] if i < 4 else i * (1 << 33) - 5),
        ("is_active", T.Bool, i % 3 == 0),
        ("supplier_id", T.String, STRINGS[i % len(STRINGS)]),
        ("kind", T.Token, ["steel", "wood", "glass"][i % 3]),
        ("color", T.Float3, Gf.Vec3f(f, 0.1, s if i % 2 else -f / 3)),
        ("position", T.Double3, Gf.Vec3d(f, 0.1, s)),
        ("samples", T.DoubleArray, Vt.DoubleArray([f + j / 7.0 for j in range(i % 5)] + ([s] if i % 2 else []))),
        ("weights", T.FloatArray, Vt.FloatArray([f, 0.1, s])),
        ("ids", T.IntArray, Vt.IntArray([i * 20 + j for j in range(i % 4)])),
        ("points", T.Float3Array, Vt.Vec3fArray([Gf.Vec3f(1, 2, 3), Gf.Vec3f(f, 0.5, -0.0)])),
    ]


def sdf_layer(paths, props=None, specifier=Sdf.SpecifierOver, type_name=""):
    layer = Sdf.Layer.CreateAnonymous(".usda")
    layer.customLayerData = {
        "scenebench": {"schema": "fixture", "hierarchy": "flat", "prims": len(paths)},
        "other": {"nested": {"deep": Vt.IntArray([1, 2]), "f": 0.5}, "text": 'x "y"'},
    }
    with Sdf.ChangeBlock():
        for i, path in enumerate(paths):
            prim = Sdf.CreatePrimInLayer(layer, path)
            prim.specifier = specifier
            prim.typeName = type_name
            for name, t, v in values(i):
                if props is not None and name not in props:
                    continue
                attr = Sdf.AttributeSpec(prim, name, t)
                attr.default = v
    return layer


def stage_layer():
    """A layer built through the Usd API: typed prims, kind, documentation,
    custom and uniform attributes, role types and stage metadata."""
    stage = Usd.Stage.CreateInMemory("stage.usda")
    world = UsdGeom.Xform.Define(stage, "/World")
    stage.SetDefaultPrim(world.GetPrim())
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 0.01)
    stage.GetRootLayer().documentation = "fixture layer\nwith two lines"
    Usd.ModelAPI(world.GetPrim()).SetKind("assembly")
    for i in range(6):
        prim = stage.DefinePrim("/World/Item_%d" % i, "Scope")
        for name, t, v in values(i + 10):
            attr = prim.CreateAttribute(name, t, custom=(i % 2 == 0),
                                        variability=Sdf.VariabilityUniform if i % 3 == 0 else Sdf.VariabilityVarying)
            attr.Set(v)
        if i == 1:
            prim.GetAttribute("cost").SetDocumentation("cost in \"units\"")
        pts = prim.CreateAttribute("primvars:pts", T.Point3fArray)
        pts.Set(Vt.Vec3fArray([Gf.Vec3f(i, 1, 2)]))
        col = prim.CreateAttribute("displayColor", T.Color3f)
        col.Set(Gf.Vec3f(0.25, 0.5, 1))
        prim.CreateAttribute("unset", T.Double)  # declared without a value
    return stage


def write(outdir, name, layer, every=1):
    layer.Export(os.path.join(outdir, name + ".usda"))
    with open(os.path.join(outdir, name + ".json"), "w") as out:
        usdcanon.dump_layer(layer, out, every)


def main():
    outdir = sys.argv[1]
    big = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    n = 40
    write(outdir, "flat", sdf_layer(["/World/Prim_%d" % i for i in range(n)]))
    write(outdir, "deep", sdf_layer(["/World/Zone_%d/Room_%d/Item_%d" % (i // 12, (i // 4) % 3, i) for i in range(n)],
                                    specifier=Sdf.SpecifierDef, type_name="Xform"))
    stage = stage_layer()  # the stage owns its root layer: keep it alive
    write(outdir, "stage", stage.GetRootLayer())
    if big:
        keep = {"cost", "color"}
        write(outdir, "deep_big", sdf_layer(["/World/Zone_%d/Room_%d/Item_%d" % (i // 1000, (i // 100) % 10, i)
                                             for i in range(big)], props=keep), 997)


if __name__ == "__main__":
    main()
