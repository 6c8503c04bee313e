"""Writes a Parquet file with pyarrow's version 2 data pages, several pages
per column chunk, dictionaries on some columns and not others, dense
(non-nullable) and sparse columns, and prints the values as JSON (null for
a null).

Usage: pyarrow_v2.py OUT.parquet ROWS CODEC
"""
import json
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out, rows, codec = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(7)
cols = {
    "path": [f"/World/Prim_{i}" for i in range(rows)],
    "cost": [rnd.uniform(0, 1000) for _ in range(rows)],
    "lifespan": [rnd.randrange(100) for _ in range(rows)],
    "count64": [rnd.randrange(1 << 40) for _ in range(rows)],
    "is_active": [rnd.random() < 0.5 for _ in range(rows)],
    "label": [f"L{rnd.randrange(50)}" for _ in range(rows)],
    "opt": [None if i % 3 == 1 else rnd.uniform(-1, 1) for i in range(rows)],
    "note": [None if i % 4 == 0 else f"note {rnd.randrange(1000)}" for i in range(rows)],
}
schema = pa.schema([
    pa.field("path", pa.string(), nullable=False),
    pa.field("cost", pa.float64(), nullable=False),
    pa.field("lifespan", pa.int32(), nullable=False),
    pa.field("count64", pa.int64(), nullable=False),
    pa.field("is_active", pa.bool_(), nullable=False),
    pa.field("label", pa.string(), nullable=False),
    pa.field("opt", pa.float64()),
    pa.field("note", pa.string()),
])
table = pa.table(cols, schema=schema)
pq.write_table(table, out, data_page_version="2.0", data_page_size=512,
               compression=codec, row_group_size=rows // 2 + 1,
               use_dictionary=["label", "cost", "note"])
json.dump(cols, sys.stdout)
