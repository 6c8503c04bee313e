"""Prints the rows of Parquet files as pyarrow reads them, one JSON object
per row: {"path": ..., "<column>": value, ...}, null for a null, as the
shared cases' FILE.pyarrow.jsonl list them. A half prints as the number it
is, NaN and the infinities as "nan", "inf" and "-inf".

Usage: pyarrow_rows.py FILE...  (prints {"file": FILE, "rows": [...]} per file)
"""
import json
import math
import sys

import pyarrow.parquet as pq


def plain(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    x = float(v)  # floats, numpy float16
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


for path in sys.argv[1:]:
    rows = [{k: plain(v) for k, v in row.items()} for row in pq.read_table(path).to_pylist()]
    json.dump({"file": path, "rows": rows}, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
