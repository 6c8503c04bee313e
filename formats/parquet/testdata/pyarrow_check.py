"""Reads Parquet files with pyarrow and prints what it sees as JSON.

Usage: pyarrow_check.py FILE...

For each file: the schema with each column's type spelled as a USD type
name, the row groups with their row counts and every column chunk's codec,
the scene key/value metadata, and every value (floats printed exactly).
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq


# The Arrow types that hold a USD scalar type, by their pyarrow test.
SCALARS = [
    (pa.types.is_float64, "double"),
    (pa.types.is_float32, "float"),
    (pa.types.is_int32, "int"),
    (pa.types.is_int64, "int64"),
    (pa.types.is_boolean, "bool"),
    (pa.types.is_string, "string"),
]


def usd_type(t):
    for is_type, name in SCALARS:
        if is_type(t):
            return name
    if pa.types.is_fixed_size_list(t) and t.list_size == 3:
        inner = usd_type(t.value_type)
        if inner in ("float", "double"):
            return inner + "3"
    if pa.types.is_list(t):
        inner = usd_type(t.value_type)
        if inner in ("double", "float", "int", "float3"):
            return inner + "[]"
    return "unsupported:" + str(t)


def check(path):
    f = pq.ParquetFile(path)
    md = f.metadata
    table = f.read()
    out = {
        "schema": [[fld.name, usd_type(fld.type), fld.nullable] for fld in table.schema],
        "num_rows": md.num_rows,
        "row_groups": [],
        "scene": json.loads(md.metadata[b"scenebench.scene"]),
        "values": table.to_pydict(),
    }
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        out["row_groups"].append({
            "rows": rg.num_rows,
            "codecs": sorted({rg.column(c).compression for c in range(rg.num_columns)}),
        })
    return out


json.dump({p: check(p) for p in sys.argv[1:]}, sys.stdout)
