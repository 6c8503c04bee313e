"""Canonical text of attribute values, shared by the test scripts.

Floats are written as the hex of their IEEE bits (float values as 32-bit,
double values as 64-bit) so that comparisons are bit-exact; every NaN is
"nan" because text layers carry no NaN payloads. Strings are the hex of
their UTF-8 bytes. The Go tests build the same text from our reader.
"""
import math
import struct

FLOAT3 = {"float3", "point3f", "vector3f", "normal3f", "color3f"}
DOUBLE3 = {"double3", "point3d", "vector3d", "normal3d", "color3d"}


def f64(x):
    if math.isnan(x):
        return "nan"
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def f32(x):
    if math.isnan(x):
        return "nan"
    return "%08x" % struct.unpack("<I", struct.pack("<f", x))[0]


def scalar(base, x):
    if base == "double":
        return f64(x)
    if base == "float":
        return f32(x)
    if base in ("int", "int64"):
        return str(int(x))
    if base == "bool":
        return "1" if x else "0"
    if base in ("string", "token"):
        return "s:" + str(x).encode("utf-8").hex()
    if base in FLOAT3:
        return "(" + ",".join(f32(c) for c in x) + ")"
    if base in DOUBLE3:
        return "(" + ",".join(f64(c) for c in x) + ")"
    raise ValueError("unsupported type " + base)


def canon(type_name, value):
    """Canonical text of value, an attribute default of USD type type_name."""
    if type_name.endswith("[]"):
        base = type_name[:-2]
        return "[" + ",".join(scalar(base, x) for x in value) + "]"
    return scalar(type_name, value)


def spec_name(s):
    from pxr import Sdf
    return {Sdf.SpecifierDef: "def", Sdf.SpecifierOver: "over", Sdf.SpecifierClass: "class"}[s]


def dump_layer(layer, out, every=1):
    """Writes one JSON line per prim spec (pre-order) and per attribute with
    a default value, then a line with the layer's customLayerData and one
    with the number of prim specs and attribute specs. With every > 1 only
    the prims and attributes of every every-th prim are written (large
    layers)."""
    import json

    counts = {"prims": 0, "attributes": 0}

    def walk(prim):
        i = counts["prims"]
        counts["prims"] += 1
        attrs = prim.attributes
        counts["attributes"] += len(attrs)
        if i % every:
            attrs = []
        else:
            out.write(json.dumps({"prim": str(prim.path), "specifier": spec_name(prim.specifier),
                                  "typeName": prim.typeName}) + "\n")
        for attr in attrs:
            if not attr.HasDefaultValue() or attr.default is None:
                continue
            t = str(attr.typeName)
            out.write(json.dumps({"path": str(prim.path), "name": attr.name, "type": t,
                                  "value": canon(t, attr.default)}) + "\n")
        for child in prim.nameChildren:
            walk(child)

    for root in layer.rootPrims:
        walk(root)
    data = dict(layer.customLayerData)
    sb = data.get("scenebench")
    if sb is not None:
        sb = {k: (list(v) if not isinstance(v, (str, int, float, bool)) else v) for k, v in sb.items()}
    out.write(json.dumps({"customLayerData": sb}) + "\n")
    out.write(json.dumps({"counts": counts}) + "\n")
