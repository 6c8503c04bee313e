"""Writes a Parquet file in the OpenUSD Parquet plugin's layout the way its
Python tooling does (pyarrow defaults: nullable columns, dictionary, snappy)
and prints the values it wrote as JSON (null for a null).

Some values are nulls (a prim without the property), and the table is
written in two halves with an empty table between them, which gives the
file a row group of zero rows, as pyarrow writes for an empty batch.

Usage: pyarrow_write.py OUT.parquet ROWS ROW_GROUP_SIZE
"""
import json
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out, rows, rg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(42)
cols = {
    "path": [f"/World/Prim_{i}" for i in range(rows)],
    "cost": [None if i % 7 == 3 else rnd.uniform(0, 1000) for i in range(rows)],
    "lifespan": [rnd.randrange(100) for _ in range(rows)],
    "is_active": [rnd.random() < 0.5 for _ in range(rows)],
    "supplier_id": [None if i % 11 == 5 else f"SUP-{rnd.randrange(10000):04d}" for i in range(rows)],
    "samples": [None if i % 5 == 4 else [rnd.random() for _ in range(rnd.randrange(4))] for i in range(rows)],
}
table = pa.table(cols)
half = rows // 2
with pq.ParquetWriter(out, table.schema) as w:
    w.write_table(table.slice(0, half), row_group_size=rg)
    w.write_table(table.slice(0, 0))
    w.write_table(table.slice(half), row_group_size=rg)
groups = pq.ParquetFile(out).metadata.num_row_groups
sizes = [pq.ParquetFile(out).metadata.row_group(g).num_rows for g in range(groups)]
assert 0 in sizes, sizes
json.dump(cols, sys.stdout)
