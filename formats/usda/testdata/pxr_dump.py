"""Opens a layer with OpenUSD (Sdf.Layer.FindOrOpen) and prints its prims and
attribute values as JSON lines (see usdcanon.dump_layer). With --export OUT
it also saves the layer again as OUT, the way OpenUSD writes it; with
--every N it prints the values of every N-th prim only.

usage: pxr_dump.py LAYER [--export OUT] [--every N]
"""
import sys

from pxr import Sdf

import usdcanon


def main():
    args = sys.argv[1:]
    path, export, every = args.pop(0), None, 1
    while args:
        flag, value = args.pop(0), args.pop(0)
        if flag == "--export":
            export = value
        elif flag == "--every":
            every = int(value)
        else:
            sys.exit("unknown flag " + flag)
    layer = Sdf.Layer.FindOrOpen(path)
    if layer is None:
        sys.exit("OpenUSD could not open " + path)
    if export and not layer.Export(export):
        sys.exit("OpenUSD could not export " + export)
    usdcanon.dump_layer(layer, sys.stdout, every)


if __name__ == "__main__":
    main()
