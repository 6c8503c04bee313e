#!/usr/bin/env python3
"""A minimal runner driver: reads runner's Parquet files with pyarrow.

It speaks the driver protocol, version 1 (drivers/PROTOCOL.md): a hello, then
one step at a time — ready, the timed part, measured, the digest, the result.
It reads a file the way the OpenUSD Parquet plugin does: the path column at
open into a map, then one column chunk of one row group per first read,
kept in a cache.

    runner driver check -format parquet -- python3 examples/driver/pyarrow_driver.py

needs pyarrow and xxhash (both in the repo's .venv after `make venv`).
"""

import json
import struct
import sys
import time

import pyarrow
import pyarrow.parquet as pq
import xxhash

# The digest's type codes (README, "Verified values: the digest").
CODES = {"double": 1, "float": 2, "int": 3, "int64": 4, "bool": 5, "string": 6, "token": 7,
         "float3": 8, "double3": 9, "double[]": 10, "float[]": 11, "int[]": 12, "float3[]": 13}
SCALAR = {"double": "<d", "float": "<f", "int": "<i", "int64": "<q", "bool": "<B"}
ELEMENT = {"double[]": "<d", "float[]": "<f", "int[]": "<i"}


def encode(typ, v):
    """The little-endian encoding of one value of USD type typ."""
    if typ in SCALAR:
        return struct.pack(SCALAR[typ], v)
    if typ in ("string", "token"):
        b = v.encode()
        return struct.pack("<I", len(b)) + b
    if typ == "float3":
        return struct.pack("<3f", *v)
    if typ == "double3":
        return struct.pack("<3d", *v)
    if typ in ELEMENT:
        return struct.pack("<I", len(v)) + b"".join(struct.pack(ELEMENT[typ], x) for x in v)
    if typ == "float3[]":
        return struct.pack("<I", len(v)) + b"".join(struct.pack("<3f", *x) for x in v)
    raise ValueError("no encoding for type " + typ)


def digest_add(h, path, prop, typ, v):
    p, n = path.encode(), prop.encode()
    h.update(struct.pack("<I", len(p)) + p + struct.pack("<I", len(n)) + n + bytes([CODES[typ]]) + encode(typ, v))


class Reader:
    """One open file: the path index, the property types, a block cache."""

    def __init__(self, path):
        self.file = pq.ParquetFile(path)
        scene = json.loads(self.file.metadata.metadata[b"scenebench.scene"])
        self.types = {p["name"]: p["type"] for p in scene["properties"]}
        self.rg_size = scene["row_group_size"]
        self.paths = self.file.read(columns=["path"]).column(0).to_pylist()
        self.index = {p: i for i, p in enumerate(self.paths)}
        self.blocks = {}

    def get(self, prim, prop):
        row = self.index.get(prim)
        if row is None:
            raise KeyError("no prim " + prim)
        if prop not in self.types:
            raise KeyError(f"prim {prim} has no property {prop}")
        rg, off = divmod(row, self.rg_size)
        block = self.blocks.get((prop, rg))
        if block is None:
            block = self.file.read_row_group(rg, columns=[prop]).column(0).to_pylist()
            self.blocks[(prop, rg)] = block
        return block[off]


class Driver:
    def __init__(self):
        self.reader = None

    def send(self, **msg):
        sys.stdout.write(json.dumps(msg) + "\n")
        sys.stdout.flush()

    def recv(self):
        line = sys.stdin.readline()
        return json.loads(line) if line else None

    def wait_go(self):
        msg = self.recv()
        if not msg or msg.get("type") != "go":
            raise SystemExit("runner did not say go")

    def serve(self):
        self.send(type="hello", protocol=1, driver="pyarrow-example", version="pyarrow " + pyarrow.__version__,
                  capabilities={"formats": ["parquet"], "ops": ["open", "get", "traverse"], "threads": False})
        while True:
            msg = self.recv()
            if msg is None or msg["type"] == "close":
                if msg is not None:
                    self.send(type="closed")
                return
            step = msg["step"]
            try:
                self.step(step)
            except Exception as e:  # every failure is an answer, not a crash
                self.send(type="error", step=step.get("name", ""), message=f"{type(e).__name__}: {e}")

    def step(self, s):
        op, name = s["op"], s["name"]
        if op == "open":
            self.reader = None
            self.send(type="ready", step=name)
            self.wait_go()
            t0 = time.perf_counter_ns()
            self.reader = Reader(s["path"])
            ns = time.perf_counter_ns() - t0
            self.measured(name)
            self.send(type="result", step=name, ns=ns, ops=1)
        elif op == "get":
            self.get(s)
        elif op == "traverse":
            self.traverse(s)
        else:
            raise ValueError(f"unknown op {op!r}")

    def measured(self, name):
        self.send(type="measured", step=name)
        self.wait_go()

    def need(self):
        if self.reader is None:
            raise RuntimeError("no open reader: the scenario must open the file first")
        return self.reader

    def get(self, s):
        r, name = self.need(), s["name"]
        prim, props, times = s["prim"], s["properties"], s.get("times", 1)
        self.send(type="ready", step=name)
        self.wait_go()

        def loop(n):
            t0 = time.perf_counter_ns()
            for _ in range(n):
                vals = [r.get(prim, p) for p in props]
            return time.perf_counter_ns() - t0, vals

        # The batching rule of PROTOCOL.md: cold never batched; a given
        # batch exactly; else calibrate reads under 1 us to 100 us timings.
        ops, batched = times, False
        d, vals = loop(times)
        if not s.get("cold"):
            if s.get("batch", 0) > times:
                ops, batched = s["batch"], True
                d, vals = loop(ops)
            elif d < 100_000:
                d2, vals = loop(times)
                d = min(d, d2)
                if d < 10_000:
                    batched = True
                    while d < 100_000 and ops < 100_000_000:
                        n = int(100_000 * ops / max(d, 1))
                        ops = min(max(min(n + n // 5, 100 * ops), ops + 1), 100_000_000)
                        d, vals = loop(ops)
        self.measured(name)
        h = xxhash.xxh64(seed=0)
        for p, v in zip(props, vals):
            digest_add(h, prim, p, r.types[p], v)
        self.send(type="result", step=name, ns=d / ops, ops=ops, batched=batched, values=len(props), digest=h.hexdigest())

    def traverse(self, s):
        r, name = self.need(), s["name"]
        props, probe_at = s["properties"], s.get("probe_at", [])
        if s.get("threads", 1) > 1:
            raise ValueError("this driver reads on one thread")
        self.send(type="ready", step=name)
        self.wait_go()
        t0 = time.perf_counter_ns()
        prims = list(r.paths)  # listing the prims is part of the step
        listed = time.perf_counter_ns() - t0
        order = {"layer": prims, "reverse": prims[::-1]}.get(s["order"])
        if order is None:
            order = [prims[i] for i in s["indices"]]
        if s.get("limit"):
            order = order[:s["limit"]]
        paused, nxt = 0, 0
        t0 = time.perf_counter_ns()
        for i, prim in enumerate(order):
            for p in props:
                r.get(prim, p)
            if nxt < len(probe_at) and i + 1 == probe_at[nxt]:
                tp = time.perf_counter_ns()
                self.send(type="probe", step=name, prims=i + 1, elapsed_ns=listed + tp - t0 - paused)
                self.wait_go()
                paused += time.perf_counter_ns() - tp
                nxt += 1
        ns = listed + time.perf_counter_ns() - t0 - paused
        self.measured(name)
        h = xxhash.xxh64(seed=0)
        for prim in order:
            for p in props:
                digest_add(h, prim, p, r.types[p], r.get(prim, p))
        self.send(type="result", step=name, ns=ns, ops=1, values=len(order) * len(props), digest=h.hexdigest())


if __name__ == "__main__":
    Driver().serve()
