"""Check a large USD layer cheaply: list every prim that has attributes and
dump the attributes of every Nth one.

Usage: sample_layer.py LAYER EVERY EXPORT

Prints JSON {"attr_prims": [paths in depth-first order], "specifiers":
{specifier: count}, "sampled": [dump of every EVERY-th attribute prim, in
the format of dump_layer.py]}; OpenUSD also re-saves the layer to EXPORT.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_layer import encode  # noqa: E402

from pxr import Sdf  # noqa: E402


def main():
    path, every, export = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    layer = Sdf.Layer.FindOrOpen(path)
    if layer is None:
        sys.exit("cannot open " + path)
    attr_prims, sampled, specifiers = [], [], {}
    stack = list(reversed(layer.pseudoRoot.nameChildren))
    while stack:
        p = stack.pop()
        spec = str(p.specifier)
        specifiers[spec] = specifiers.get(spec, 0) + 1
        attrs = p.attributes
        if len(attrs) > 0:
            if len(attr_prims) % every == 0:
                dumped = []
                for a in attrs:
                    tn = str(a.typeName)
                    dumped.append({
                        "name": a.name,
                        "type": tn,
                        "custom": bool(a.custom),
                        "variability": str(a.variability),
                        "value": encode(tn, a.default) if a.HasDefaultValue() else None,
                    })
                sampled.append({"path": str(p.path), "specifier": spec,
                                "typeName": p.typeName, "attrs": dumped})
            attr_prims.append(str(p.path))
        stack.extend(reversed(p.nameChildren))
    if not layer.Export(export):
        sys.exit("export of %s failed" % path)
    json.dump({"attr_prims": attr_prims, "specifiers": specifiers, "sampled": sampled}, sys.stdout)


if __name__ == "__main__":
    main()
