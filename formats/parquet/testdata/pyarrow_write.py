"""Writes a Parquet file in the OpenUSD Parquet plugin's layout the way its
Python tooling does (pyarrow defaults: nullable columns, dictionary, snappy)
and prints the values it wrote as JSON.

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
    "cost": [rnd.uniform(0, 1000) for _ in range(rows)],
    "lifespan": [rnd.randrange(100) for _ in range(rows)],
    "is_active": [rnd.random() < 0.5 for _ in range(rows)],
    "supplier_id": [f"SUP-{rnd.randrange(10000):04d}" for _ in range(rows)],
    "samples": [[rnd.random() for _ in range(rnd.randrange(4))] for _ in range(rows)],
}
pq.write_table(pa.table(cols), out, row_group_size=rg)
json.dump(cols, sys.stdout)
