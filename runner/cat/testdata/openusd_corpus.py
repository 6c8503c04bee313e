"""Writes a corpus of USD layers with OpenUSD (usd-core) and prints what
OpenUSD's Sdf reads from any layer, in the JSON lines of `runner cat -json`.

Usage:
  openusd_corpus.py write DIR   write the corpus into DIR, every layer as
                                NAME.usda and NAME.usdc, and list the files
  openusd_corpus.py dump FILE.. print, per file, one JSON object
                                {"file": FILE, "lines": [...]}, the lines
                                being what `runner cat -json FILE` prints

The corpus covers every value type of Sdf's registry, scalar and array,
role types included; attributes without a default, with time samples only,
with connections, with a blocked (None) value; relationships; dictionaries
and list ops as metadata; references and payloads with prim paths, layer
offsets and custom data; inherits, specializes, relocates; variant sets
and variants (nested); one attribute name of different types on different
prims; and text the Sdf API cannot write (';' between statements,
comments, time samples and connections written by hand), which OpenUSD
reads and re-saves as binary.

How floats are printed: JSON has one number type, so a float (32-bit)
value prints here as the double it widens to (2.200000047683716) where
runner prints the shortest text that reads back to the same float (2.2); a
half prints as its exact value. The Go test compares each number at its
type's precision (the same float32, float64 or half bits). NaN and the
infinities print as the strings "nan", "inf" and "-inf", as runner prints
them.
"""
import json
import math
import os
import sys

from pxr import Gf, Sdf, Vt

# ---------------------------------------------------------------- dumping


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def matrix_rows(m):
    n = m.dimension[0]
    return [[num(m[r][c]) for c in range(n)] for r in range(n)]


def quat(q):
    i = q.GetImaginary()
    return [num(q.GetReal()), num(i[0]), num(i[1]), num(i[2])]


def plain(v):
    """A value as JSON: numbers, strings, lists, objects."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return num(v)
    if isinstance(v, str):
        return v
    if isinstance(v, Sdf.ValueBlock):
        return None
    if isinstance(v, Sdf.AssetPath):
        return v.path
    if isinstance(v, Sdf.Path):
        return str(v)
    if isinstance(v, Sdf.TimeCode):
        return num(v.GetValue())
    if type(v).__name__ in ("Duration", "TimeCode"):  # Gf.Duration, Gf.TimeCode
        return num(v.GetValue() if hasattr(v, "GetValue") else float(v))
    if isinstance(v, Sdf.PathExpression):
        return v.GetText()
    if isinstance(v, (Gf.Quatd, Gf.Quatf, Gf.Quath)):
        return quat(v)
    if isinstance(v, (Gf.Matrix2d, Gf.Matrix3d, Gf.Matrix4d)):
        return matrix_rows(v)
    if isinstance(v, Sdf.LayerOffset):
        return {"offset": num(v.offset), "scale": num(v.scale)}
    if isinstance(v, (Sdf.Reference, Sdf.Payload)):
        out = {"assetPath": v.assetPath, "primPath": str(v.primPath) if not v.primPath.isEmpty else ""}
        lo = v.layerOffset
        if lo.offset != 0 or lo.scale != 1:
            out["layerOffset"] = plain(lo)
        if isinstance(v, Sdf.Reference) and v.customData:
            out["customData"] = plain(dict(v.customData))
        return out
    if type(v).__name__.endswith("ListOp"):
        if v.isExplicit:
            return {"explicit": [plain(x) for x in v.explicitItems]}
        out = {}
        for key, items in (("deleted", v.deletedItems), ("added", v.addedItems),
                           ("prepended", v.prependedItems), ("appended", v.appendedItems),
                           ("ordered", v.orderedItems)):
            if len(items):
                out[key] = [plain(x) for x in items]
        return out
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if hasattr(v, "items") and hasattr(v, "keys"):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)) or type(v).__module__.endswith("Vt") or hasattr(v, "__len__"):
        try:
            return [plain(x) for x in v]
        except TypeError:
            pass
    if hasattr(v, "name"):  # enums
        return str(v)
    return str(v)


ENUMS = {
    "Sdf.SpecifierDef": "def", "Sdf.SpecifierOver": "over", "Sdf.SpecifierClass": "class",
    "Sdf.PermissionPublic": "public", "Sdf.PermissionPrivate": "private",
    "Sdf.VariabilityVarying": "varying", "Sdf.VariabilityUniform": "uniform",
}


def enum(v):
    return ENUMS.get(str(v), str(v))


def metadata(spec, skip):
    out = {}
    for key in spec.ListInfoKeys():
        if key in skip:
            continue
        v = spec.GetInfo(key)
        if key in ("specifier", "permission", "variability"):
            out[key] = enum(v)
        elif key == "relocates" or key == "layerRelocates":
            out[key] = [[str(a), str(b)] for a, b in (v.items() if hasattr(v, "items") else v)]
        else:
            out[key] = plain(v)
    return out


ATTR_FIELDS = {"typeName", "default", "custom", "variability", "timeSamples", "connectionPaths", "spline"}
REL_FIELDS = {"targetPaths", "custom", "variability"}
PRIM_FIELDS = {"specifier", "typeName"}


def value_of(v):
    if isinstance(v, Sdf.ValueBlock) or type(v).__name__ == "AnimationBlock":
        return None
    return plain(v)


def dump_property(path, prop, lines):
    line = {"path": path, "property": prop.name}
    keys = set(prop.ListInfoKeys())
    if isinstance(prop, Sdf.RelationshipSpec):
        line["relationship"] = True
        if prop.custom:
            line["custom"] = True
        if str(prop.variability) != "Sdf.VariabilityUniform":
            line["variability"] = enum(prop.variability)
        if "targetPaths" in keys:
            line["targets"] = plain(prop.GetInfo("targetPaths"))
        md = metadata(prop, REL_FIELDS)
    else:
        line["type"] = str(prop.typeName)
        if "default" in keys:
            d = prop.GetInfo("default")
            line["value"] = value_of(d)
            if isinstance(d, Sdf.ValueBlock):
                line["blocked"] = True
            elif type(d).__name__ == "AnimationBlock":
                line["blocked"] = "AnimationBlock"
        else:
            line["value"] = None
        if prop.custom:
            line["custom"] = True
        if str(prop.variability) != "Sdf.VariabilityVarying":
            line["variability"] = enum(prop.variability)
        if "timeSamples" in keys:
            samples = prop.GetInfo("timeSamples")
            line["timeSamples"] = [[num(t), value_of(samples[t])] for t in sorted(samples.keys())]
        if "spline" in keys:
            line["spline"] = True
        if "connectionPaths" in keys:
            line["connections"] = plain(prop.GetInfo("connectionPaths"))
        md = metadata(prop, ATTR_FIELDS)
    if md:
        line["metadata"] = md
    lines.append(line)


def dump_prim(prim, variant, lines):
    line = {"path": str(prim.path)}
    if not variant:
        line["specifier"] = enum(prim.specifier)
    if prim.typeName:
        line["typeName"] = prim.typeName
    md = metadata(prim, PRIM_FIELDS)
    if md:
        line["metadata"] = md
    if prim.variantSets:
        line["variantSets"] = {name: list(vs.variants.keys()) for name, vs in prim.variantSets.items()}
    lines.append(line)
    for prop in prim.properties:
        dump_property(str(prim.path), prop, lines)
    for name, vs in prim.variantSets.items():
        for vname, v in vs.variants.items():
            dump_prim(v.primSpec, True, lines)
    for child in prim.nameChildren:
        dump_prim(child, False, lines)


def dump(path):
    layer = Sdf.Layer.FindOrOpen(path)
    if layer is None:
        sys.exit("OpenUSD cannot open " + path)
    lines = []
    root = layer.pseudoRoot
    md = metadata(root, {"subLayerOffsets"})
    if "subLayers" in md:
        md["subLayerOffsets"] = [plain(o) for o in layer.subLayerOffsets]
    if md:
        lines.append({"path": "/", "metadata": md})
    for prim in root.nameChildren:
        dump_prim(prim, False, lines)
    return lines

# ---------------------------------------------------------------- writing


def sample_scalar(tn, k):
    """A value of scalar type tn (no role), varying with k."""
    base = tn
    if base in ("bool",):
        return k % 2 == 0
    if base in ("uchar",):
        return (k * 37) % 256
    if base in ("int",):
        return -7 - 1000 * k
    if base in ("uint",):
        return 4000000000 - k
    if base in ("int64",):
        return -(1 << 40) - k
    if base in ("uint64",):
        return (1 << 63) + k
    if base in ("half",):
        return 0.1 * (k + 1)
    if base in ("float",):
        return 0.1 + k
    if base in ("double", "duration"):
        return 1.0 / 3 + k
    if base in ("timecode",):
        return Sdf.TimeCode(2.5 + k)
    if base in ("string",):
        return 'say "hi" %d\nnaïve' % k
    if base in ("token",):
        return "tok_%d" % k
    if base in ("asset",):
        return Sdf.AssetPath("textures/a@b_%d.png" % k if k % 2 else "textures/wood_%d.png" % k)
    if base in ("pathExpression",):
        return Sdf.PathExpression("/World/a_%d //b" % k)
    raise KeyError(base)


def sample(vtn, k):
    """A value of the (non-array) value type name vtn, varying with k."""
    t = getattr(Sdf.ValueTypeNames, vtn[0].upper() + vtn[1:], None)
    cls = t.type.pythonClass if t is not None else None
    s = t.scalarType if t is not None else None
    name = str(t.scalarType) if t is not None else vtn
    if cls is not None and issubclass(cls, (Gf.Matrix2d, Gf.Matrix3d, Gf.Matrix4d)):
        n = cls().dimension[0]
        vals = [float(r * n + c) + 0.5 * k + (0.1 if r == c else 0) for r in range(n) for c in range(n)]
        return cls(*vals)
    if cls is not None and issubclass(cls, (Gf.Quatd, Gf.Quatf, Gf.Quath)):
        return cls(0.5 + k, 0.1, -0.25, 2)
    if cls is not None and hasattr(cls, "dimension"):
        n = cls.dimension
        comps = [(1.5 + i + k) * (-1 if i == 1 else 1) for i in range(n)]
        if "i" == cls.__name__[-1]:
            comps = [int(c * 2) for c in comps]
        if k == 2 and not "i" == cls.__name__[-1]:
            comps[0] = -0.0
        return cls(*comps)
    return sample_scalar(name, k)


def registry():
    """Every non-array value type name with values, roles included."""
    names = []
    for n in dir(Sdf.ValueTypeNames):
        if n.startswith("_") or n == "Find":
            continue
        t = getattr(Sdf.ValueTypeNames, n)
        if t.isArray or str(t) in ("opaque", "group"):
            continue
        names.append(str(t))
    return sorted(set(names))


def attr(prim, name, tn, value=None, custom=False, variability=None):
    t = Sdf.ValueTypeNames.Find(tn)
    a = Sdf.AttributeSpec(prim, name, t, variability or Sdf.VariabilityVarying, custom)
    if value is not None:
        a.default = value
    return a


def array_value(tn, k):
    t = Sdf.ValueTypeNames.Find(tn)
    scalar = str(t.scalarType)
    vals = [sample(scalar, k + i) for i in range(3 + k)]
    return t.type.pythonClass(vals) if hasattr(t.type, "pythonClass") and t.type.pythonClass else vals


def write_types(path):
    layer = Sdf.Layer.CreateNew(path)
    for k in range(3):
        prim = Sdf.CreatePrimInLayer(layer, "/Types/P_%d" % k)
        prim.specifier = Sdf.SpecifierDef
        for i, tn in enumerate(registry()):
            name = tn.replace("3", "3_") + "_s"
            attr(prim, name, tn, sample(tn, k))
            attr(prim, tn.replace("3", "3_") + "_a", tn + "[]", array_value(tn + "[]", k))
        attr(prim, "empty", "float[]", Vt.FloatArray([]))
        attr(prim, "long_ints", "int[]", Vt.IntArray(list(range(k, 40 + k))))
        attr(prim, "long_floats", "float[]", Vt.FloatArray([float(i % 4) for i in range(32)]))
        attr(prim, "long_doubles", "double[]", Vt.DoubleArray([0.1 * (i % 3) for i in range(32)]))
        attr(prim, "long_halves", "half[]", Vt.HalfArray([0.5 * (i % 5) for i in range(20)]))
        attr(prim, "long_int64s", "int64[]", Vt.Int64Array([(i << 35) - k for i in range(20)]))
        attr(prim, "specials", "double[]", Vt.DoubleArray([float("nan"), float("inf"), -float("inf"), -0.0, 1e-310]))
        attr(prim, "opaque_decl", "opaque")
        attr(prim, "uniform_token", "token", "a", variability=Sdf.VariabilityUniform)
        attr(prim, "custom_int", "int", 3, custom=True)
    layer.Save()


def write_nodefault(path):
    layer = Sdf.Layer.CreateNew(path)
    prim = Sdf.CreatePrimInLayer(layer, "/hello/world")
    prim.specifier = Sdf.SpecifierDef
    prim.typeName = "Sphere"
    Sdf.CreatePrimInLayer(layer, "/hello").specifier = Sdf.SpecifierDef
    attr(prim, "declared", "double")
    a = attr(prim, "samples_only", "float3")
    layer.SetTimeSample(a.path, 1.0, Gf.Vec3f(1, 2, 3))
    layer.SetTimeSample(a.path, 2.5, Gf.Vec3f(0.1, 0.2, 0.3))
    b = attr(prim, "default_and_samples", "double", 1.5)
    layer.SetTimeSample(b.path, 0.0, 2.0)
    layer.SetTimeSample(b.path, 10.0, Sdf.ValueBlock())
    c = attr(prim, "connected", "color3f")
    c.connectionPathList.explicitItems.append("/hello/world.declared")
    d = attr(prim, "connected_list", "float", 0.5)
    d.connectionPathList.prependedItems.append("/hello.x")
    d.connectionPathList.appendedItems.append("/hello/world.y")
    e = attr(prim, "blocked", "double")
    e.default = Sdf.ValueBlock()
    f = attr(prim, "blocked_array", "token[]")
    f.default = Sdf.ValueBlock()
    g = attr(prim, "anim_blocked", "double")
    g.default = Sdf.AnimationBlock()
    h = attr(prim, "string_samples", "string[]")
    layer.SetTimeSample(h.path, 3.0, Vt.StringArray(["a", "b"]))
    attr(prim, "radius", "double", 2.0)
    layer.Save()


def write_metadata(path):
    layer = Sdf.Layer.CreateNew(path)
    layer.defaultPrim = "World"
    layer.comment = "a comment"
    layer.documentation = 'doc "quoted"\nsecond line'
    layer.startTimeCode = 1
    layer.endTimeCode = 240
    layer.timeCodesPerSecond = 24
    layer.subLayerPaths.append("./sub_a.usda")
    layer.subLayerPaths.append("sub@b.usda")
    layer.subLayerOffsets[0] = Sdf.LayerOffset(10, 2)
    layer.customLayerData = {"author": "corpus", "version": 3, "ratio": 0.25, "nested": {"flag": True, "list": Vt.IntArray([1, 2])}}
    layer.pseudoRoot.SetInfo("upAxis", "Z")
    layer.pseudoRoot.SetInfo("metersPerUnit", 0.01)
    world = Sdf.CreatePrimInLayer(layer, "/World")
    world.specifier = Sdf.SpecifierDef
    world.typeName = "Xform"
    world.kind = "assembly"
    world.documentation = "the world"
    world.active = True
    world.hidden = False
    world.instanceable = False
    world.customData = {"d": 1.5, "s": "x", "t": Vt.TokenArray(["a", "b"]), "sub": {"i": 7, "v": Gf.Vec3f(1, 2, 3), "m": Gf.Matrix4d(2)}}
    world.assetInfo = {"identifier": Sdf.AssetPath("world.usd"), "name": "World"}
    world.SetInfo("apiSchemas", Sdf.TokenListOp.Create(prependedItems=["MaterialBindingAPI", "GeomModelAPI"]))
    world.SetInfo("displayName", "The World")
    world.permission = Sdf.PermissionPrivate
    world.symmetryFunction = "mirror"
    world.prefixSubstitutions = {"$A": "/a"}
    world.relocates = {"/World/Old": "/World/New"}
    layer.SetRelocates([("/World/Chair/Old", "/World/Chair/New")]) if hasattr(layer, "SetRelocates") else None
    chair = Sdf.CreatePrimInLayer(layer, "/World/Chair")
    chair.specifier = Sdf.SpecifierDef
    chair.referenceList.explicitItems.append(Sdf.Reference("./chair.usda", "/Chair", Sdf.LayerOffset(-10, 1)))
    chair.referenceList.explicitItems.append(Sdf.Reference("", "/World/Proto", Sdf.LayerOffset(), {"note": "internal"}))
    table = Sdf.CreatePrimInLayer(layer, "/World/Table")
    table.specifier = Sdf.SpecifierDef
    table.referenceList.prependedItems.append(Sdf.Reference("table.usdc", "/Table/Geo", Sdf.LayerOffset(5, 0.5)))
    table.referenceList.appendedItems.append(Sdf.Reference("extra.usda"))
    table.referenceList.deletedItems.append(Sdf.Reference("old.usda", "/Old"))
    table.payloadList.prependedItems.append(Sdf.Payload("payload.usda", "/Heavy", Sdf.LayerOffset(2, 3)))
    table.inheritPathList.prependedItems.append("/World/Proto")
    table.specializesList.appendedItems.append("/World/Base")
    lamp = Sdf.CreatePrimInLayer(layer, "/World/Lamp")
    lamp.specifier = Sdf.SpecifierDef
    lamp.payloadList.explicitItems.append(Sdf.Payload("lamp.usda"))
    lamp.referenceList.ClearEditsAndMakeExplicit()
    proto = Sdf.CreatePrimInLayer(layer, "/World/Proto")
    proto.specifier = Sdf.SpecifierClass
    base = Sdf.CreatePrimInLayer(layer, "/World/Base")
    base.specifier = Sdf.SpecifierClass
    a = attr(table, "primvars:st", "texCoord2f[]", Vt.Vec2fArray([(0, 0), (1, 0.5)]))
    a.SetInfo("interpolation", "faceVarying")
    a.SetInfo("elementSize", 2)
    a.documentation = "uv"
    a.displayGroup = "Primvars"
    a.customData = {"k": 1}
    b = attr(table, "mode", "token", "fast", variability=Sdf.VariabilityUniform)
    b.SetInfo("allowedTokens", Vt.TokenArray(["fast", "slow"]))
    r = Sdf.RelationshipSpec(table, "material:binding", custom=False)
    r.targetPathList.explicitItems.append("/World/Looks/Wood")
    r2 = Sdf.RelationshipSpec(table, "proxies", custom=True, variability=Sdf.VariabilityVarying)
    r2.targetPathList.prependedItems.append("/World/A")
    r2.targetPathList.deletedItems.append("/World/B")
    r2.documentation = "proxy prims"
    Sdf.RelationshipSpec(table, "empty_rel", custom=False)
    layer.Save()


def write_variants(path):
    layer = Sdf.Layer.CreateNew(path)
    model = Sdf.CreatePrimInLayer(layer, "/Model")
    model.specifier = Sdf.SpecifierDef
    model.typeName = "Xform"
    for set_name, names in (("shading", ["red", "blue"]), ("size", ["small", "large"])):
        vs = Sdf.VariantSetSpec(model, set_name)
        for n in names:
            v = Sdf.VariantSpec(vs, n)
            ps = v.primSpec
            attr(ps, "color" if set_name == "shading" else "scale", "color3f" if set_name == "shading" else "double",
                 Gf.Vec3f(1, 0, 0) if n == "red" else (Gf.Vec3f(0, 0, 1) if n == "blue" else (0.5 if n == "small" else 2.0)))
            if n == "red":
                child = Sdf.PrimSpec(ps, "Decal", Sdf.SpecifierDef, "Mesh")
                attr(child, "opacity", "float", 0.75)
                inner = Sdf.VariantSetSpec(ps, "finish")
                gloss = Sdf.VariantSpec(inner, "gloss")
                attr(gloss.primSpec, "roughness", "float", 0.1)
                ps.variantSelections["finish"] = "gloss"
                ps.SetInfo("kind", "subcomponent")
        model.variantSetNameList.prependedItems.append(set_name)
    model.variantSelections["shading"] = "red"
    model.variantSelections["size"] = "large"
    layer.Save()


def write_mixed(path):
    layer = Sdf.Layer.CreateNew(path)
    for p, tn, v in (("/xform0", "float", 2.2), ("/xform0/mesh0", "float", 3.3), ("/sphere0", "double", 1.3),
                     ("/cube0", "int", 4), ("/cube0/child", "string", "r")):
        prim = Sdf.CreatePrimInLayer(layer, p)
        prim.specifier = Sdf.SpecifierDef
        attr(prim, "radius", tn, v)
        attr(prim, "other", "double", 1.0)
    layer.Save()


# Text only the text format has: ';' between statements, comments, the
# forms the Sdf API writes differently, every composition arc spelling.
HANDWRITTEN = r'''#usda 1.0
(
    upAxis = "Z"; metersPerUnit = 1;
    defaultPrim = "hello";
    subLayers = [
        @./sub.usda@ (offset = 5; scale = 2),
        @@@odd@name.usda@@@
    ]
    relocates = {
        </hello/old>: </hello/new>
    }
)

// a line comment
/* a block
   comment */
def Xform "hello" (
    prepend references = @a.usda@</Path> (offset = -10)
    append payload = [@b.usdc@</Heavy/Geo> (offset = 2; scale = 0.5), </hello/internal>]
    inherits = </_class>
    prepend apiSchemas = ["SkelBindingAPI"]
    customData = {
        dictionary nested = {
            string[] names = ["a", "b"]; double d = 1e-3
        }
        bool flag = 1
    }
)
{
    def Sphere "world" {
        double radius = 1.2;
        custom double usersProperties:muda = 2.2;
        float3 xformOp:translate.timeSamples = {
            0: (1, 2, 3),
            1.5: (4, 5, 6),
            3: None,
        }
        uniform token[] xformOpOrder = ["xformOp:translate"]
        color3f inputs:c.connect = </hello/shader.outputs:c>
        prepend float inputs:f.connect = [</hello/a.b>, </hello/c.d>]
        double declared
        double blocked = None
        rel material:binding = </Looks/Wood>
        prepend rel proxy = [</a>, </b>]
        reorder properties = ["radius", "declared"]
    }

    over "over_child" ( active = false; instanceable = true ) {
        int count = 3
    }

    variantSet "look" = {
        "shiny" ( doc = "shiny" ) {
            float gloss = 0.9
            def "Extra" { int n = 1; }
        }
        "matte" {
            float gloss = 0.1
        }
    }
    reorder nameChildren = ["over_child", "world"]
}

class "_class"
{
    token kind_hint = "class" ;
}
'''


def write_handwritten(path):
    with open(path, "w") as f:
        f.write(HANDWRITTEN)
    layer = Sdf.Layer.FindOrOpen(path)
    if layer is None:
        sys.exit("OpenUSD rejects the handwritten layer")


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "write":
        out = sys.argv[2]
        os.makedirs(out, exist_ok=True)
        files = []
        for name, fn in (("types", write_types), ("nodefault", write_nodefault), ("metadata", write_metadata),
                         ("variants", write_variants), ("mixed", write_mixed)):
            usdc = os.path.join(out, name + ".usdc")
            fn(usdc)
            usda = os.path.join(out, name + ".usda")
            if not Sdf.Layer.FindOrOpen(usdc).Export(usda):
                sys.exit("export of " + usdc)
            files += [usda, usdc]
        hand = os.path.join(out, "handwritten.usda")
        write_handwritten(hand)
        hand_c = os.path.join(out, "handwritten.usdc")
        if not Sdf.Layer.FindOrOpen(hand).Export(hand_c):
            sys.exit("export of " + hand)
        files += [hand, hand_c]
        print("\n".join(files))
        return
    if len(sys.argv) >= 2 and sys.argv[1] == "dump":
        for path in sys.argv[2:]:
            json.dump({"file": path, "lines": dump(path)}, sys.stdout, allow_nan=False)
            sys.stdout.write("\n")
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
