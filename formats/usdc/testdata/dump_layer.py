"""Print a USD layer's prims and attribute defaults as canonical JSON.

Usage: dump_layer.py LAYER [--export OUT] [LAYER [--export OUT]]...

Prints a JSON list with one dump per LAYER. Prims are listed depth-first following primChildren from the pseudo-root;
attributes in each prim's property order. Floating-point values are given
as the decimal text of their IEEE bits (32-bit for float types), integers
as decimal text, so a comparison is exact. With --export the layer before
it is also re-saved to OUT by OpenUSD.
"""
import json
import struct
import sys

from pxr import Sdf


def bits64(x):
    return str(struct.unpack("<Q", struct.pack("<d", float(x)))[0])


def bits32(x):
    return str(struct.unpack("<I", struct.pack("<f", float(x)))[0])


SCALAR = {
    "double": bits64,
    "float": bits32,
    "int": lambda v: str(int(v)),
    "int64": lambda v: str(int(v)),
    "bool": bool,
    "string": str,
    "token": str,
    "float3": lambda v: [bits32(c) for c in v],
    "double3": lambda v: [bits64(c) for c in v],
}


def encode(type_name, value):
    if type_name.endswith("[]"):
        f = SCALAR[type_name[:-2]]
        return [f(e) for e in value]
    return SCALAR[type_name](value)


def dump(layer):
    """Return the layer's prims and attribute defaults as a dict."""
    prims = []
    stack = list(reversed(layer.pseudoRoot.nameChildren))
    while stack:
        p = stack.pop()
        attrs = []
        for a in p.attributes:
            tn = str(a.typeName)
            attrs.append({
                "name": a.name,
                "type": tn,
                "custom": bool(a.custom),
                "variability": str(a.variability),
                "value": encode(tn, a.default) if a.HasDefaultValue() else None,
            })
        prims.append({
            "path": str(p.path),
            "specifier": str(p.specifier),
            "typeName": p.typeName,
            "attrs": attrs,
        })
        stack.extend(reversed(p.nameChildren))
    return {"prims": prims}


def main():
    args = sys.argv[1:]
    dumps = []
    while args:
        path, args = args[0], args[1:]
        layer = Sdf.Layer.FindOrOpen(path)
        if layer is None:
            sys.exit("cannot open " + path)
        if len(args) >= 2 and args[0] == "--export":
            if not layer.Export(args[1]):
                sys.exit("export of %s failed" % path)
            args = args[2:]
        dumps.append(dump(layer))
    json.dump(dumps, sys.stdout)


if __name__ == "__main__":
    main()
