"""openusd-py: a runner driver on OpenUSD's Python bindings (usd-core).

It speaks the driver protocol, version 1 (drivers/PROTOCOL.md): JSON lines
on stdin (runner's requests) and stdout (this driver's messages). It reads
usdc and usda files at one of two API levels, chosen by the driver option
"api":

  sdf  the layer itself: Sdf.Layer.FindOrOpen, attribute specs'
       defaults (layer.GetAttributeAtPath(path).default), prim specs in
       layer order; composed opens go through a Pcp layer stack.
  usd  a stage: Usd.Stage.Open, prim.GetAttribute(name).Get(), the
       stage's prims depth first.

get and traverse also read values at a time (the request's "time": a
number, or "all" for every sample): the usd reader through OpenUSD's own
resolution (attr.Get(Usd.TimeCode(t)), attr.GetTimeSamples()), the sdf
reader from the layer's time samples (ListTimeSamplesForPath,
GetBracketingTimeSamplesForPath, QueryTimeSample), interpolated with Gf's
own arithmetic as UsdAttribute::Get does.

drivers/openusd-py/README.md says what each step measures and why.

Only protocol lines go to file descriptor 1: before anything else is
loaded, the driver keeps a private duplicate of it for the protocol and
points descriptor 1 at stderr, so whatever OpenUSD, Python or a library
prints lands on stderr.
"""

import os
import sys

# Protocol stream first, before any library can print: fd 1 becomes stderr.
_PROTO_FD = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import ctypes  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
from itertools import repeat  # noqa: E402

try:
    import xxhash
    from pxr import Gf, Pcp, Sdf, Usd, Vt
except ImportError as _e:
    sys.exit("openusd-py: %s needs the usd-core and xxhash packages (make venv installs both into .venv): %s"
             % (sys.executable, _e))

DRIVER = "openusd-py"
DRIVER_VERSION = "0.2"
PROTOCOL = 1

FORMATS = ["usdc", "usda"]
OPS = ["open", "get", "traverse", "scan"]
APIS = ["sdf", "usd"]
DEFAULT_API = "sdf"
COMPOSE = ["sublayer"]

# Batching of short gets, the Go reader's rule (runner/measure).
BATCH_THRESHOLD_NS = 10_000  # a read under this is batched
BATCH_GOAL_NS = 100_000  # one batched timing lasts at least this
MAX_BATCH = 100_000_000

# The result's extra figure: time spent after the step's timing on the C
# allocator's bookkeeping of the step's frees (settle_allocator).
EXTRA_SETTLE = "malloc_settle_ns"

# The longest message we write; runner refuses lines over 1 MiB.
MAX_MESSAGE = 16_000

perf_ns = time.perf_counter_ns


def usd_core_version():
    """The usd-core version as its release names it ("26.11")."""
    v = Usd.GetVersion()
    return "%d.%02d" % (v[1], v[2]) if v[0] == 0 else ".".join(map(str, v))


# ---------------------------------------------------------------------------
# The digest: XXH64, seed 0, over runner's little-endian encoding.

# Type codes by USD type name. Role types (point3f, color3d, ...) hold the
# same values as their plain tuples and digest as those, as runner's own
# readers do.
TYPE_CODES = {
    "double": 1,
    "float": 2,
    "int": 3,
    "int64": 4,
    "bool": 5,
    "string": 6,
    "token": 7,
    "double[]": 10,
    "float[]": 11,
    "int[]": 12,
}
for _role in ("float3", "point3f", "vector3f", "normal3f", "color3f"):
    TYPE_CODES[_role] = 8
    TYPE_CODES[_role + "[]"] = 13
for _role in ("double3", "point3d", "vector3d", "normal3d", "color3d"):
    TYPE_CODES[_role] = 9

_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")
_F32 = struct.Struct("<f")
_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")
_3F32 = struct.Struct("<3f")
_3F64 = struct.Struct("<3d")
_LITTLE = sys.byteorder == "little"


def _enc_str(buf, v):
    b = v.encode("utf-8")
    buf += _U32.pack(len(b))
    buf += b


def _enc_bool(buf, v):
    buf.append(1 if v else 0)


def _array_encoder(fmt, width, item):
    """Encoder of a Vt array: u32 count, then the elements. On a
    little-endian machine the array's own buffer is its encoding (exact
    bits, NaN payloads included); otherwise element by element."""

    def enc(buf, v):
        n = len(v)
        buf += _U32.pack(n)
        if n == 0:
            return
        if _LITTLE:
            try:
                mv = memoryview(v)
            except TypeError:
                mv = None
            if mv is not None and mv.format == fmt and mv.itemsize == item and mv.nbytes == n * width * item:
                buf += mv.tobytes()
                return
        if width == 1:
            buf += struct.pack("<%d%s" % (n, fmt), *v)
        else:
            buf += struct.pack("<%d%s" % (n * width, fmt), *(c for x in v for c in x))

    return enc


ENCODERS = {
    1: lambda buf, v: buf.extend(_F64.pack(v)),
    2: lambda buf, v: buf.extend(_F32.pack(v)),
    3: lambda buf, v: buf.extend(_I32.pack(v)),
    4: lambda buf, v: buf.extend(_I64.pack(v)),
    5: _enc_bool,
    6: _enc_str,
    7: _enc_str,
    8: lambda buf, v: buf.extend(_3F32.pack(v[0], v[1], v[2])),
    9: lambda buf, v: buf.extend(_3F64.pack(v[0], v[1], v[2])),
    10: _array_encoder("d", 1, 8),
    11: _array_encoder("f", 1, 4),
    12: _array_encoder("i", 1, 4),
    13: _array_encoder("f", 3, 4),
}


# Precedes the time of a value read at a time (a code no type takes).
TIME_MARKER = 255


def add_read(dg, path_lp, prop_lp, code, when, v, where):
    """Digests one (prim, property) read as a step with time = when read
    it: when None, v is the default (as without a time); a number, v is
    the value at that time (None: no value there, not digested); ALL, v is
    (times, values) from a reader's all_fn: each sample digested at its
    time, or with times None the default digested as without a time."""
    if when is None:
        dg.add(path_lp, prop_lp, code, v, where)
    elif when is ALL:
        times, vals = v
        if times is None:
            if vals is not None:
                dg.add(path_lp, prop_lp, code, vals, where)
            return
        for t, x in zip(times, vals):
            if x is not None:
                dg.add(path_lp, prop_lp, code, x, where, at=t)
    elif v is not None:
        dg.add(path_lp, prop_lp, code, v, where, at=when)


def has_value(when, v):
    """Whether a read at a time found a value (add_read's v): a pair without
    one (no attribute, a blocked sample or default) is skipped, as the
    protocol says, not an error."""
    if when is None:
        return True
    if when is ALL:
        return v[0] is not None or v[1] is not None
    return v is not None


def type_code(type_name, where):
    code = TYPE_CODES.get(type_name)
    if code is None:
        raise StepError("%s has type %s, which runner's digest has no code for (it knows %s)"
                        % (where, type_name or "(none)", ", ".join(sorted(TYPE_CODES))))
    return code


def lp(s):
    """s as the digest writes a string: u32 length, UTF-8 bytes."""
    b = s.encode("utf-8")
    return _U32.pack(len(b)) + b


class Digest:
    """Streams values into XXH64 in runner's encoding."""

    FLUSH = 1 << 20

    def __init__(self):
        self.h = xxhash.xxh64(seed=0)
        self.buf = bytearray()
        self.n = 0

    def add(self, path_lp, prop_lp, code, value, where, at=None):
        """Adds one value; at is the time it was read at (None: the
        default), digested as u8 255 and f64 between property and type."""
        if value is None:
            raise StepError("%s has no default value" % where)
        buf = self.buf
        buf += path_lp
        buf += prop_lp
        if at is not None:
            buf.append(TIME_MARKER)
            buf += _F64.pack(at)
        buf.append(code)
        try:
            ENCODERS[code](buf, value)
        except (struct.error, TypeError, ValueError, IndexError, AttributeError) as e:
            raise StepError("%s: cannot digest %r as type code %d: %s" % (where, value, code, e))
        self.n += 1
        if len(buf) >= self.FLUSH:
            self.h.update(bytes(buf))
            buf.clear()

    def hex(self):
        if self.buf:
            self.h.update(bytes(self.buf))
            self.buf.clear()
        return "%016x" % self.h.intdigest()


# ---------------------------------------------------------------------------
# Errors and helpers.


class StepError(Exception):
    """A step cannot be done; its message goes to runner."""


class Abandon(Exception):
    """The step was abandoned while waiting for runner (the reason was
    already reported)."""


def clip(s, n=200):
    s = str(s)
    return s if len(s) <= n else s[:n] + "..."


_TF_ERROR = re.compile(r"Error in '[^']*' at line \d+ in file \S+ : '(.*?)'(?=\s*(?:Error in '|$))", re.S)


def describe_exc(e):
    """One line for an exception: the messages of OpenUSD's errors without
    their C++ function names and source locations."""
    text = str(e)
    msgs = _TF_ERROR.findall(text)
    msg = "; ".join(msgs) if msgs else text
    return " ".join(msg.split()) or type(e).__name__


def check_prim_path(s, what="prim"):
    if not isinstance(s, str) or not s:
        raise StepError("%s must be a prim path string, not %s" % (what, clip(json.dumps(s))))
    if not Sdf.Path.IsValidPathString(s):
        raise StepError("%s %s is not a valid path" % (what, clip(json.dumps(s))))
    p = Sdf.Path(s)
    if not (p.IsAbsolutePath() and p.IsPrimPath()):
        raise StepError("%s %s is not an absolute prim path such as \"/World/Prim_0\"" % (what, clip(json.dumps(s))))
    return p


def check_properties(props):
    if not isinstance(props, list) or not props:
        raise StepError("properties must be a non-empty list of names")
    for n in props:
        if not isinstance(n, str) or not Sdf.Path.IsValidNamespacedIdentifier(n):
            raise StepError("%s is not a property name" % clip(json.dumps(n)))
    return props


def int_param(st, key, default, lo=None):
    v = st.get(key, default)
    if v is None:
        v = default
    if isinstance(v, bool) or not isinstance(v, int):
        raise StepError("%s must be an integer, not %s" % (key, clip(json.dumps(v))))
    if lo is not None and v < lo:
        raise StepError("%s must be at least %d, not %d" % (key, lo, v))
    return v


# The request's "time": absent reads defaults, a number the values at that
# time, "all" every time sample.
ALL = "all"


def time_param(st):
    """The step's "time": None, a float, or ALL."""
    t = st.get("time")
    if t is None:
        return None
    if t == ALL:
        return ALL
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        raise StepError("time must be a number or \"all\", not %s" % clip(json.dumps(t)))
    return float(t)


def unblocked(v):
    """v, or None for a value block (an attribute blocked at that time or
    in its default has no value)."""
    return None if v is None or isinstance(v, Sdf.ValueBlock) else v


def _lerp_number(alpha, a, b):
    """GfLerp on a double or float scalar: (1 - alpha) * a + alpha * b in
    double. CPython's float arithmetic is IEEE double without fused
    multiply-adds, so this is GfLerp<double> bit for bit, and
    GfLerp<float> once rounded to f32 (the digest does, where C++ returns
    it). Gf.Lerp computes the same but its Python overload resolution
    costs about 20 us a call for plain floats (Gf.Lerp of two Vec3d: 1.5
    us)."""
    return (1 - alpha) * a + alpha * b


def _lerp_numbers(alpha, lo, hi):
    """UsdAttribute::Get's blend of two float[] or double[] arrays: element
    by element as _lerp_number (the array's constructor rounds float
    elements to f32, as GfLerp<float> does); arrays of different lengths
    hold the lower one; at alpha 1 the upper one."""
    if len(lo) != len(hi):
        return lo
    if alpha == 1.0:
        return hi
    a = 1 - alpha
    return type(lo)([a * x + alpha * y for x, y in zip(lo, hi)])


def _lerp_array(alpha, lo, hi):
    """The same for arrays of vectors, element by element with Gf.Lerp."""
    if len(lo) != len(hi):
        return lo
    if alpha == 1.0:
        return hi
    lerp = Gf.Lerp
    return type(lo)([lerp(alpha, a, b) for a, b in zip(lo, hi)])


# How OpenUSD blends two samples of a type it interpolates linearly
# (usd/interpolators.cpp: GfLerp, GfSlerp for quaternions, element by
# element for arrays), by the Python type of the values: Gf's own
# functions for vectors and quaternions, Python's double arithmetic (the
# same operations) for scalars. Types missing here (int, bool, strings,
# tokens, ...) hold the lower sample.
LERPS = {float: _lerp_number, Vt.FloatArray: _lerp_numbers, Vt.DoubleArray: _lerp_numbers}
for _t in (Gf.Vec2f, Gf.Vec3f, Gf.Vec4f, Gf.Vec2d, Gf.Vec3d, Gf.Vec4d):
    LERPS[_t] = Gf.Lerp
for _t in (Gf.Quatf, Gf.Quatd):
    LERPS[_t] = Gf.Slerp
for _t in (Vt.Vec2fArray, Vt.Vec3fArray, Vt.Vec4fArray, Vt.Vec2dArray, Vt.Vec3dArray, Vt.Vec4dArray):
    LERPS[_t] = _lerp_array


def resolve_samples(query, pp, t, lo, hi):
    """The value of the attribute at pp at time t from one layer's time
    samples bracketing t (lo <= t <= hi, from
    GetBracketingTimeSamplesForPath), as UsdAttribute::Get resolves it
    (usd/interpolators.cpp): the lower sample when lo and hi are within
    1e-6 (t is a sample's time, or before the first or after the last), a
    blocked lower sample is no value, a blocked upper one or one of
    another type holds the lower, and otherwise the two blend at
    alpha = (t - lo) / (hi - lo) by LERPS."""
    v = unblocked(query(pp, lo))
    if v is None or abs(lo - hi) < 1e-6:  # GfIsClose(lo, hi, 1e-6)
        return v
    lerp = LERPS.get(type(v))
    if lerp is None:
        return v  # held, whatever the upper sample is
    u = unblocked(query(pp, hi))
    if u is None or type(u) is not type(v):
        return v
    alpha = (t - lo) / (hi - lo)
    if alpha == 0.0:
        return v
    return lerp(alpha, v, u)


def layers_at(layers, t):
    """A function of a property path: its value at time t in a layer stack
    (strongest layer first), from the first layer with time samples or a
    default for it, as Usd resolves the strongest opinion; None for none."""
    pairs = [(l.GetBracketingTimeSamplesForPath, l.QueryTimeSample, l.GetAttributeAtPath) for l in layers]

    def at(pp):
        for bracket, query, ga in pairs:
            found, lo, hi = bracket(pp, t)
            if found:
                return resolve_samples(query, pp, t, lo, hi)
            s = ga(pp)
            if s is not None and s.HasDefaultValue():
                return unblocked(s.default)
        return None

    return at


def layers_all(layers):
    """A function of a property path: (times, values) of its time samples in
    the first layer of the stack with samples or a default for it, or
    (None, default) when that layer has a default only; (None, None) for
    neither. A blocked sample's value is None."""
    triples = [(l.ListTimeSamplesForPath, l.QueryTimeSample, l.GetAttributeAtPath) for l in layers]

    def every(pp):
        for times, query, ga in triples:
            ts = times(pp)
            if ts:
                return ts, [unblocked(query(pp, x)) for x in ts]
            s = ga(pp)
            if s is not None and s.HasDefaultValue():
                return None, unblocked(s.default)
        return None, None

    return every


def usd_all(attr):
    """(times, values) of a Usd.Attribute's time samples, each read with
    attr.Get(time); (None, attr.Get()) when it has none."""
    ts = attr.GetTimeSamples()
    if not ts:
        return None, attr.Get()
    get = attr.Get
    return ts, [get(x) for x in ts]


def timed_loop(read_once):
    """A get's timing of n calls of read_once; returns (ns, last values)."""

    def loop(n):
        vals = None
        t0 = perf_ns()
        for _ in repeat(None, n):
            vals = read_once()
        return perf_ns() - t0, vals

    return loop


def _libc_malloc():
    try:
        libc = ctypes.CDLL(None)
        malloc, free = libc.malloc, libc.free
    except (OSError, AttributeError):
        return None
    malloc.restype, malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    free.restype, free.argtypes = None, [ctypes.c_void_p]
    return malloc, free


_MALLOC = _libc_malloc()


def settle_allocator(limit_ns=20_000_000_000):
    """Let the C allocator finish the bookkeeping of earlier frees, and
    return how long that took.

    glibc's malloc does not sort freed blocks into its bins when they are
    freed: it sorts up to 10,000 of them at each later request of a
    kilobyte or more. After OpenUSD frees much at once (Sdf.Layer.FindOrOpen
    of a 10K-prim usdc drops its decoding buffers; a stage recomposing drops
    its first composition: over 100,000 blocks), the next dozen such
    requests, whoever makes them, cost 1-10 ms each. Left alone, that debt
    of the open lands in the next timing that allocates a kilobyte (the
    cold get of a 1,000-character string: 1.7 ms instead of 0.05 ms).
    Requesting and freeing 4 KiB blocks until requests are fast again pays
    it here, outside every timing."""
    if _MALLOC is None:
        return 0
    malloc, free = _MALLOC
    t0 = perf_ns()
    fast = 0
    while fast < 8 and perf_ns() - t0 < limit_ns:
        t = perf_ns()
        free(malloc(4096))
        fast = fast + 1 if perf_ns() - t < 20_000 else 0
    return perf_ns() - t0


def clock_overhead_ns():
    """The smallest cost of reading the clock twice around nothing: what
    every timing adds to its work, subtracted from each timing as runner's
    Go reader does."""
    best = 1 << 62
    for _ in range(2000):
        t0 = perf_ns()
        t1 = perf_ns()
        if t1 - t0 < best:
            best = t1 - t0
    return best


WARM_UP_VALUES = [
    ("double", 1.5), ("float", 2.5), ("int", -3), ("int64", 1 << 40), ("bool", True),
    ("string", "s"), ("token", "t"), ("float3", (1, 2, 3)), ("double3", (4, 5, 6)),
    ("double[]", [1.0, 2.0]), ("float[]", [3.0]), ("int[]", [4, 5]), ("float3[]", [(1, 2, 3)]),
]


def warm_up():
    """One-time library start-up, kept out of every step (runner reports
    it as the driver's start-up, the time to hello). OpenUSD initialises
    much on first use: the plugin registry and the usdc and usda file
    formats, the Usd schema registry (built by the first stage), Sdf's spec
    and value-type tables and the Python wrappers and converters of each
    class and value type (the first GetAttributeAtPath of a process costs
    2-10 ms, the next ones microseconds). All of it is exercised here, once,
    on an anonymous layer of our own, through the very calls the steps
    make: no file is read, so whatever is lazy in reading a file stays in
    the steps that pay for it."""
    for ext in ("usdc", "usda"):
        if Sdf.FileFormat.FindByExtension(ext) is None:
            raise RuntimeError("usd-core has no %s file format" % ext)
    data = Sdf.Layer.CreateAnonymous("warm-up.usda")
    prim = Sdf.CreatePrimInLayer(data, "/W/P")
    props = []
    for i, (type_name, value) in enumerate(WARM_UP_VALUES):
        spec = Sdf.AttributeSpec(prim, "a%d" % i, Sdf.ValueTypeNames.Find(type_name))
        spec.default = value
        # Two samples each, so that reads at a time and their
        # interpolation start up here too.
        for t in (1.0, 2.0):
            data.SetTimeSample(spec.path, t, spec.default)
        props.append(spec.name)
    base = Sdf.Layer.CreateAnonymous("warm-up-base.usda")
    Sdf.CreatePrimInLayer(base, "/W/P").specifier = Sdf.SpecifierDef
    base.subLayerPaths.append(data.identifier)
    sdf = SdfReader(None)
    sdf.layer = data
    pcp = PcpReader(None, None)
    bad = pcp.compose(base)
    if bad:
        raise RuntimeError("warm-up: " + bad)
    usd = UsdReader(None)
    usd.stage = Usd.Stage.Open(data)
    # The composed load: a stage on a base, then the sublayer added.
    base2 = Sdf.Layer.CreateAnonymous("warm-up-base2.usda")
    Sdf.CreatePrimInLayer(base2, "/W/P").specifier = Sdf.SpecifierDef
    composed = UsdReader(None)
    composed.stage = Usd.Stage.Open(base2)
    composed.stage.GetRootLayer().subLayerPaths.append(data.identifier)
    composed.stage.GetLayerStack(includeSessionLayers=False)
    dg = Digest()
    path = Sdf.Path("/W/P")
    for reader in (sdf, pcp, usd, composed):
        reader.getter(path, props)(2)
        reader.getter(path, props[:1])(1)
        prims = reader.list_prims()
        if len(prims) != 1:
            raise RuntimeError("warm-up: %s listed %d prims, not 1" % (type(reader).__name__, len(prims)))
        reader.read_fn(props)(prims)
        reader.read_fn(props[:1])(prims)
        reader.diagnose(path, props)
        for when in (1.5, ALL):
            reader.getter_at(path, props, when)(1)
            reader.read_fn_at(props, when)(prims)
        for p in prims:
            path_lp = lp(reader.path_string(p))
            for n in props:
                code, v = reader.typed(p, n, n)
                dg.add(path_lp, lp(n), code, v, n)
                for when in (1.5, ALL):
                    add_read(dg, path_lp, lp(n), code, when, reader.value_fn(when)(p, n), n)
        reader.close()
    dg.hex()
    gc.collect()


# ---------------------------------------------------------------------------
# Readers: one open file at one API level. Each gives the step code what it
# times (open, one get, listing prims, reading a list of prims) and what it
# digests.


def open_timed(path, opener):
    """Times opener(path), a layer or stage open, and returns (ns, what it
    opened); an exception or a None result is a StepError naming the file."""
    t0 = perf_ns()
    try:
        opened = opener(path)
    except Exception as e:
        raise StepError("cannot open %s: %s" % (path, describe_exc(e)))
    d = perf_ns() - t0
    if opened is None:
        raise StepError("cannot open %s: %s" % (path, why_unopened(path)))
    return d, opened


class LayerTimes:
    """Reads at a time through the layers of a reader's _layers() (its
    layer, or its layer stack strongest first), by property path."""

    def value_fn(self, t):
        """f(listed prim, name): the value at time t (or, for ALL, the
        (times, values) add_read takes)."""
        f = layers_at(self._layers(), t) if t is not ALL else layers_all(self._layers())
        path_of = self.prim_path
        return lambda p, n: f(path_of(p).AppendProperty(n))

    def getter_at(self, prim, props, t):
        """A get at a time: the property paths built before the timing,
        each read resolved from the layers."""
        pps = [prim.AppendProperty(n) for n in props]
        f = layers_at(self._layers(), t) if t is not ALL else layers_all(self._layers())
        return timed_loop(lambda: [f(pp) for pp in pps])

    def read_fn_at(self, props, t):
        """A traversal's reads at a time: each listed prim's property path
        built in the timed loop (a time-sample query takes a path)."""
        f = layers_at(self._layers(), t) if t is not ALL else layers_all(self._layers())
        path_of = self.prim_path

        def read(prims):
            for p in prims:
                path = path_of(p)
                for n in props:
                    f(path.AppendProperty(n))

        return read


class SdfReader(LayerTimes):
    """api = "sdf": the data file as one Sdf layer."""

    api = "sdf"

    def __init__(self, path):
        self.path = path
        self.layer = None

    def open(self):
        d, self.layer = open_timed(self.path, Sdf.Layer.FindOrOpen)
        return d

    def _layers(self):
        return [self.layer]

    def layers(self):
        return [self.path]

    def close(self):
        self.layer = None

    # get: property paths are built before the timing; one read is a
    # lookup of each property spec and its default.
    def getter(self, prim, props):
        pps = [prim.AppendProperty(n) for n in props]
        ga = self.layer.GetAttributeAtPath
        if len(pps) == 1:
            p0 = pps[0]

            def loop(n):
                v = None
                t0 = perf_ns()
                for _ in repeat(None, n):
                    v = ga(p0).default
                d = perf_ns() - t0
                return d, [v]
        else:

            def loop(n):
                vals = None
                t0 = perf_ns()
                for _ in repeat(None, n):
                    vals = [ga(p).default for p in pps]
                d = perf_ns() - t0
                return d, vals

        return loop

    def diagnose(self, prim, props):
        """Why reading props of prim failed: names the first missing one."""
        layer = self.layer
        if layer.GetPrimAtPath(prim) is None:
            return "%s: no such prim in %s" % (prim, self.path)
        for n in props:
            if layer.GetAttributeAtPath(prim.AppendProperty(n)) is None:
                return "%s has no attribute %s" % (prim, n)
        return None

    def typed(self, prim, name, where):
        if isinstance(prim, Sdf.PrimSpec):
            prim = prim.path
        spec = self.layer.GetAttributeAtPath(prim.AppendProperty(name))
        if spec is None:
            raise StepError("%s has no attribute %s" % (prim, name))
        return type_code(str(spec.typeName), where), spec.default

    # traverse: prim specs in layer order, depth first; those with
    # property specs are listed, as the specs themselves.
    def list_prims(self):
        out = []
        app = out.append

        def rec(spec):
            for c in spec.nameChildren.values():
                if c.properties:
                    app(c)
                if c.nameChildren:
                    rec(c)

        rec(self.layer.pseudoRoot)
        return out

    def read_fn(self, props):
        """A traversal's reads: each property's attribute spec looked up
        from the listed prim spec by the property's relative path (".cost"),
        built here, outside the timing, so that the timed loop makes no
        Python path object (measured: 1.8 us a value against 2.0 us for
        layer.GetAttributeAtPath(path.AppendProperty(name)))."""
        rels = [Sdf.Path("." + n) for n in props]
        if len(rels) == 1:
            r0 = rels[0]

            def read(prims):
                for s in prims:
                    s.GetAttributeAtPath(r0).default
        else:

            def read(prims):
                for s in prims:
                    for r in rels:
                        s.GetAttributeAtPath(r).default

        return read

    def prim_path(self, p):
        return p.path

    def path_string(self, p):
        return p.path.pathString


class UsdReader:
    """api = "usd": a Usd.Stage on the data file."""

    api = "usd"

    def __init__(self, path):
        self.path = path
        self.stage = None

    def open(self):
        d, self.stage = open_timed(self.path, Usd.Stage.Open)
        return d

    def layers(self):
        return [self.path]

    def close(self):
        self.stage = None

    # get: one read is stage.GetPrimAtPath(path) and, for each property,
    # prim.GetAttribute(name).Get().
    def getter(self, prim, props):
        gp = self.stage.GetPrimAtPath
        if len(props) == 1:
            n0 = props[0]

            def loop(n):
                v = None
                t0 = perf_ns()
                for _ in repeat(None, n):
                    v = gp(prim).GetAttribute(n0).Get()
                d = perf_ns() - t0
                return d, [v]
        else:

            def loop(n):
                vals = None
                t0 = perf_ns()
                for _ in repeat(None, n):
                    p = gp(prim)
                    vals = [p.GetAttribute(a).Get() for a in props]
                d = perf_ns() - t0
                return d, vals

        return loop

    # Reads at a time: attr.Get(Usd.TimeCode(t)), OpenUSD's own value
    # resolution; "all" reads attr.GetTimeSamples() and each sample.
    def value_fn(self, t):
        if t is ALL:
            return lambda p, n: usd_all(p.GetAttribute(n))
        tc = Usd.TimeCode(t)
        return lambda p, n: p.GetAttribute(n).Get(tc)

    def getter_at(self, prim, props, t):
        gp = self.stage.GetPrimAtPath
        f = self.value_fn(t)

        def once():
            p = gp(prim)
            return [f(p, n) for n in props]

        return timed_loop(once)

    def read_fn_at(self, props, t):
        f = self.value_fn(t)

        def read(prims):
            for p in prims:
                for n in props:
                    f(p, n)

        return read

    def diagnose(self, prim, props):
        p = self.stage.GetPrimAtPath(prim)
        if not p:
            return "%s: no such prim on the stage of %s" % (prim, self.path)
        for n in props:
            if not p.GetAttribute(n):
                return "%s has no attribute %s" % (prim, n)
        return None

    def typed(self, prim, name, where):
        p = self.stage.GetPrimAtPath(prim) if isinstance(prim, Sdf.Path) else prim
        a = p.GetAttribute(name) if p else None
        if not a:
            raise StepError("%s has no attribute %s" % (p.GetPath() if p else prim, name))
        return type_code(str(a.GetTypeName()), where), a.Get()

    # traverse: every prim of the stage depth first (TraverseAll: the
    # files' prims may be "over"s, which the default predicate skips);
    # those with authored properties are listed.
    def list_prims(self):
        return [p for p in self.stage.TraverseAll() if p.GetAuthoredPropertyNames()]

    def read_fn(self, props):
        """A traversal's reads: prim.GetAttribute(name).Get() for each
        property of each listed prim."""
        if len(props) == 1:
            n0 = props[0]

            def read(prims):
                for p in prims:
                    p.GetAttribute(n0).Get()
        else:

            def read(prims):
                for p in prims:
                    for n in props:
                        p.GetAttribute(n).Get()

        return read

    def prim_path(self, p):
        return p.GetPath()

    def path_string(self, p):
        return p.GetPath().pathString


class UsdComposedReader(UsdReader):
    """api = "usd", compose = "sublayer": the original suite's load. A
    stage on the base layer, the data file appended to the root layer's
    sublayers (the stage recomposes on that change, synchronously)."""

    def __init__(self, path, base):
        super().__init__(path)
        self.base = base

    def open(self):
        t0 = perf_ns()
        try:
            stage = Usd.Stage.Open(self.base)
            if stage is not None:
                stage.GetRootLayer().subLayerPaths.append(self.path)
        except Exception as e:
            raise StepError("cannot compose %s over %s: %s" % (self.path, self.base, describe_exc(e)))
        d = perf_ns() - t0
        if stage is None:
            raise StepError("cannot open the base layer %s: %s" % (self.base, why_unopened(self.base)))
        self.stage = stage
        # A sublayer that fails to load is only a warning to the stage.
        used = {l.identifier for l in stage.GetLayerStack(includeSessionLayers=False)}
        if not any(same_file(i, self.path) for i in used):
            raise StepError("the stage on %s did not load the sublayer %s: %s"
                            % (self.base, self.path, why_unopened(self.path)))
        return d

    def layers(self):
        return [self.base, self.path]


class PcpReader(LayerTimes):
    """api = "sdf", compose = "sublayer": the base layer with the data file
    as its sublayer, composed by Pcp. Every prim index is computed at open;
    a value is the strongest opinion (the first layer of the layer stack
    with a default for the attribute)."""

    api = "sdf"

    def __init__(self, path, base):
        self.path = path
        self.base = base
        self.root = None
        self.cache = None
        self.stack = None

    def open(self):
        t0 = perf_ns()
        try:
            root = Sdf.Layer.FindOrOpen(self.base)
        except Exception as e:
            raise StepError("cannot open the base layer %s: %s" % (self.base, describe_exc(e)))
        if root is None:
            raise StepError("cannot open the base layer %s: %s" % (self.base, why_unopened(self.base)))
        root.subLayerPaths.append(self.path)
        bad = self.compose(root)
        d = perf_ns() - t0
        if bad:
            raise StepError("composing %s over %s: %s" % (self.path, self.base, bad))
        return d

    def compose(self, root):
        """The Pcp cache on root's layer stack, with every prim index
        computed. Returns what went wrong, or None."""
        cache = Pcp.Cache(Pcp.LayerStackIdentifier(root), usd=True)
        try:
            stack, errors = cache.ComputeLayerStack(cache.GetLayerStackIdentifier())
        except Exception as e:
            return describe_exc(e)
        if errors:
            return "; ".join(str(e) for e in errors)
        bad = []

        def walk(path):
            idx, errs = cache.ComputePrimIndex(path)
            if errs and not bad:
                bad.append("%s: %s" % (path, "; ".join(str(e) for e in errs)))
            if idx.rootNode.children and not bad:
                bad.append("%s has composition arcs besides sublayers (api sdf reads sublayer stacks only)" % path)
            for name in idx.ComputePrimChildNames()[0]:
                walk(path.AppendChild(name))

        walk(Sdf.Path.absoluteRootPath)
        self.root, self.cache, self.stack = root, cache, stack
        return bad[0] if bad else None

    def layers(self):
        return [self.base, self.path]

    def close(self):
        self.stack = self.cache = self.root = None

    def _layers(self):
        return list(self.stack.layers)

    def _resolvers(self):
        return [l.GetAttributeAtPath for l in self.stack.layers]

    def getter(self, prim, props):
        pps = [prim.AppendProperty(n) for n in props]
        gas = self._resolvers()

        def resolve(pp):
            for ga in gas:
                s = ga(pp)
                if s is not None:
                    v = s.default
                    if v is not None:
                        return v
            return None

        if len(pps) == 1:
            p0 = pps[0]

            def loop(n):
                v = None
                t0 = perf_ns()
                for _ in repeat(None, n):
                    v = resolve(p0)
                d = perf_ns() - t0
                return d, [v]
        else:

            def loop(n):
                vals = None
                t0 = perf_ns()
                for _ in repeat(None, n):
                    vals = [resolve(p) for p in pps]
                d = perf_ns() - t0
                return d, vals

        return loop

    def diagnose(self, prim, props):
        if self.cache.FindPrimIndex(prim) is None:
            return "%s: no such composed prim over %s" % (prim, self.base)
        for n in props:
            pp = prim.AppendProperty(n)
            if all(l.GetAttributeAtPath(pp) is None for l in self.stack.layers):
                return "%s has no attribute %s in any layer" % (prim, n)
        return None

    def typed(self, prim, name, where):
        pp = prim.AppendProperty(name)
        type_name, value = None, None
        for l in self.stack.layers:
            s = l.GetAttributeAtPath(pp)
            if s is None:
                continue
            if type_name is None and s.typeName:
                type_name = str(s.typeName)
            if value is None:
                value = s.default
        if type_name is None and value is None:
            raise StepError("%s: no such attribute in any layer" % where)
        return type_code(type_name, where), value

    # traverse: the composed prims depth first, in Pcp's child order;
    # those whose prim index has properties are listed.
    def list_prims(self):
        out = []
        app = out.append
        find = self.cache.FindPrimIndex

        def rec(path, idx):
            for name in idx.ComputePrimChildNames()[0]:
                cp = path.AppendChild(name)
                ci = find(cp)
                if ci.ComputePrimPropertyNames():
                    app(cp)
                rec(cp, ci)

        root = Sdf.Path.absoluteRootPath
        rec(root, find(root))
        return out

    def read_fn(self, props):
        """A traversal's reads: the strongest default of each property of
        each listed prim, looked up layer by layer, strongest first."""
        gas = self._resolvers()

        def read(prims):
            for p in prims:
                for n in props:
                    pp = p.AppendProperty(n)
                    for ga in gas:
                        s = ga(pp)
                        if s is not None and s.default is not None:
                            break

        return read

    def prim_path(self, p):
        return p

    def path_string(self, p):
        return p.pathString


def why_unopened(path):
    if not os.path.exists(path):
        return "no such file"
    if not os.access(path, os.R_OK):
        return "not readable"
    return "OpenUSD could not read it (see stderr)"


def same_file(identifier, path):
    try:
        return os.path.samefile(identifier, path)
    except OSError:
        return identifier == path


# ---------------------------------------------------------------------------
# The protocol.


class Driver:
    def __init__(self, inp, out):
        self.inp = inp
        self.out = out
        self.reader = None
        self.pending = None  # a request read while waiting for go
        self.lineno = 0
        self.clock = clock_overhead_ns()

    # -- transport

    def send(self, msg):
        line = json.dumps(msg, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
        self.out.write(line)
        self.out.flush()

    def error(self, step, message):
        self.send({"type": "error", "step": step or "", "message": clip(message, MAX_MESSAGE)})

    def read_request(self):
        """The next request, None at the end of stdin. A line that is not a
        request is reported (stderr and an error message) and returned as
        {"type": None}."""
        if self.pending is not None:
            req, self.pending = self.pending, None
            return req
        line = self.inp.readline()
        if not line:
            return None
        self.lineno += 1
        try:
            req = json.loads(line)
            if not isinstance(req, dict) or not isinstance(req.get("type"), str):
                raise ValueError("not an object with a \"type\"")
        except ValueError as e:
            text = line.decode("utf-8", "replace").rstrip("\n")
            msg = "request line %d is not a protocol message (%s): %s" % (self.lineno, e, clip(text, 120))
            print("%s: %s" % (DRIVER, msg), file=sys.stderr, flush=True)
            return {"type": None, "message": msg}
        return req

    def await_go(self, step):
        """Wait for runner's go. Anything else abandons the step: an error
        for it, and a valid request is kept to be served next."""
        req = self.read_request()
        if req is None:
            print("%s: stdin ended during step %s, waiting for go" % (DRIVER, step), file=sys.stderr, flush=True)
            sys.exit(1)
        if req["type"] == "go":
            return
        if req["type"] is None:
            self.error(step, req["message"])
        else:
            self.error(step, "expected go, got %s; step %s abandoned" % (clip(json.dumps(req["type"])), step))
            self.pending = req
        raise Abandon()

    # -- the loop

    def hello(self):
        self.send({
            "type": "hello",
            "protocol": PROTOCOL,
            "driver": DRIVER,
            "version": "%s (usd-core %s, Python %d.%d.%d)" % ((DRIVER_VERSION, usd_core_version()) + tuple(sys.version_info[:3])),
            "capabilities": {
                "formats": FORMATS,
                "ops": OPS,
                "threads": False,
                "time": True,
                "compose": COMPOSE,
                "options": {"api": APIS},
            },
        })

    def serve(self):
        self.hello()
        while True:
            req = self.read_request()
            if req is None:
                break
            t = req["type"]
            if t is None:
                self.error("", req["message"])
            elif t == "step":
                self.step(req.get("step"))
            elif t == "close":
                self.release()
                self.send({"type": "closed"})
            else:
                self.error("", "unexpected request %s (expected step or close)" % clip(json.dumps(t)))
        self.release()
        return 0

    def release(self):
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        gc.collect()

    # -- steps

    def step(self, st):
        if not isinstance(st, dict):
            self.error("", "step request without a step object")
            return
        name, op = st.get("name"), st.get("op")
        if not isinstance(name, str) or not name:
            self.error("", "step without a name: %s" % clip(json.dumps(st)))
            return
        # Neither Sdf nor Usd reads columns, and their paths are their
        # handles: a scan is a traversal in layer order (its request
        # carries no order).
        prepare = {"open": self.prepare_open, "get": self.prepare_get, "traverse": self.prepare_traverse,
                   "scan": self.prepare_traverse}.get(op)
        try:
            if prepare is None:
                raise StepError("unknown op %s (%s answers %s)" % (clip(json.dumps(op)), DRIVER, ", ".join(OPS)))
            timed, digest = prepare(name, st)
            # No step pays for the garbage of an earlier one.
            gc.collect()
            settle_allocator()
        except StepError as e:
            self.error(name, str(e))
            return
        except Exception as e:  # a bug or an OpenUSD error: report, go on
            self.error(name, "%s: %s" % (type(e).__name__, describe_exc(e)))
            return
        try:
            self.send({"type": "ready", "step": name})
            self.await_go(name)
            try:
                ns, ops, batched = timed()
            except Abandon:
                raise
            except StepError as e:
                self.error(name, str(e))
                return
            except Exception as e:
                self.error(name, "%s: %s" % (type(e).__name__, describe_exc(e)))
                return
            self.send({"type": "measured", "step": name})
            self.await_go(name)
            # What the step left the allocator to do, paid and reported
            # here rather than by the next timing.
            res = {"type": "result", "step": name, "ns": ns, "ops": ops,
                   "extra": {EXTRA_SETTLE: float(settle_allocator())}}
            if batched:
                res["batched"] = True
            if digest is not None:
                try:
                    res["digest"], res["values"] = digest()
                except StepError as e:
                    self.error(name, str(e))
                    return
                except Exception as e:
                    self.error(name, "digest: %s: %s" % (type(e).__name__, describe_exc(e)))
                    return
            self.send(res)
        except Abandon:
            return

    def elapsed(self, d):
        """A raw timing less the clock's own cost, never below zero."""
        return float(max(d - self.clock, 0))

    def need_reader(self):
        if self.reader is None:
            raise StepError("no open file: the scenario must open one first")
        return self.reader

    def prepare_open(self, name, st):
        path, fmt = st.get("path"), st.get("format")
        if not isinstance(path, str) or not path or not isinstance(fmt, str) or not fmt:
            raise StepError("open needs a path and a format")
        if fmt not in FORMATS:
            raise StepError("%s does not read format %s (it reads %s)" % (DRIVER, clip(json.dumps(fmt)), ", ".join(FORMATS)))
        ext = os.path.splitext(path)[1].lower()
        if ext in (".usdc", ".usda") and ext[1:] != fmt:
            raise StepError("format %s, but %s names a %s file (OpenUSD picks the format by extension)" % (fmt, path, ext[1:]))
        opts = st.get("driver_options") or {}
        if not isinstance(opts, dict):
            raise StepError("driver_options must be an object")
        for k in opts:
            if k != "api":
                raise StepError("unknown driver option %s (%s takes api = %s)" % (clip(json.dumps(k)), DRIVER, " or ".join(APIS)))
        api = opts.get("api", DEFAULT_API)
        if api not in APIS:
            raise StepError("driver option api = %s: expected %s" % (clip(json.dumps(api)), " or ".join(APIS)))
        compose = st.get("compose") or ""
        if compose not in [""] + COMPOSE:
            raise StepError("compose %s: %s composes only %s" % (clip(json.dumps(compose)), DRIVER, ", ".join(COMPOSE)))
        path = os.path.abspath(path)
        if compose:
            base = st.get("base")
            if not isinstance(base, str) or not base:
                raise StepError("compose = \"sublayer\" needs base, the layer to compose over")
            base = os.path.abspath(base)
            if same_file(base, path):
                raise StepError("base and path are the same file: %s" % path)
            reader = UsdComposedReader(path, base) if api == "usd" else PcpReader(path, base)
        else:
            reader = UsdReader(path) if api == "usd" else SdfReader(path)

        # A later open is a cold start: the reader before is released,
        # outside the timing, and must really be gone. Sdf.Layer.FindOrOpen
        # returns a layer still alive in the registry instead of reading
        # the file again.
        self.release()
        for p in reader.layers():
            if Sdf.Layer.Find(p) is not None:
                raise StepError("cannot open %s cold: the layer is still loaded in this process" % p)

        def timed():
            d = reader.open()
            self.reader = reader
            return self.elapsed(d), 1, False

        return timed, None

    def prepare_get(self, name, st):
        r = self.need_reader()
        prim_s = st.get("prim")
        prim = check_prim_path(prim_s)
        props = check_properties(st.get("properties"))
        times = int_param(st, "times", 1, lo=1)
        batch = int_param(st, "batch", 0, lo=0)
        cold = st.get("cold", False)
        if not isinstance(cold, bool):
            raise StepError("cold must be true or false")
        when = time_param(st)
        loop = r.getter(prim, props) if when is None else r.getter_at(prim, props, when)
        last = []

        def reads(n):
            try:
                d, vals = loop(n)
            except Exception as e:
                why = r.diagnose(prim, props)
                raise StepError(why or "get %s %s: %s" % (prim_s, ",".join(props), describe_exc(e)))
            last[:] = [vals]
            return d

        def timed():
            n = times
            d = reads(n)
            ops, batched = n, False
            if not cold:
                if batch > n:
                    ops, batched = batch, True
                    d = reads(batch)
                elif d < 10 * BATCH_THRESHOLD_NS:
                    fastest = min(d, reads(n))
                    if fastest < BATCH_THRESHOLD_NS:
                        batched = True
                        ops, d = calibrate(n, fastest, reads)
            return self.elapsed(d) / ops, ops, batched

        def digest():
            vals = last[0]
            dg = Digest()
            path_lp = lp(prim_s)
            for n, v in zip(props, vals):
                where = "%s.%s" % (prim_s, n)
                if v is None and when is None:
                    why = r.diagnose(prim, [n])
                    raise StepError(why or "%s has no default value" % where)
                if not has_value(when, v):
                    continue
                code, _ = r.typed(prim, n, where)
                add_read(dg, path_lp, lp(n), code, when, v, where)
            return dg.hex(), dg.n

        return timed, digest

    def prepare_traverse(self, name, st):
        r = self.need_reader()
        props = check_properties(st.get("properties"))
        order = st.get("order") or "layer"
        if order not in ("layer", "reverse", "indices"):
            raise StepError("unknown order %s (layer, reverse or indices)" % clip(json.dumps(order)))
        indices = None
        if order == "indices":
            indices = st.get("indices")
            if not isinstance(indices, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in indices):
                raise StepError("order \"indices\" needs indices, a list of integers")
        limit = int_param(st, "limit", 0, lo=0)
        threads = int_param(st, "threads", 1, lo=1)
        if threads > 1:
            raise StepError("threads = %d: %s reads on one thread (its hello says threads: false)" % (threads, DRIVER))
        points = st.get("probe_at") or []
        if not isinstance(points, list) or any(isinstance(p, bool) or not isinstance(p, int) for p in points):
            raise StepError("probe_at must be a list of prim counts")
        points = sorted({p for p in points if p > 0})
        when = time_param(st)
        read = r.read_fn(props) if when is None else r.read_fn_at(props, when)
        state = {}

        def timed():
            t0 = perf_ns()
            prims = r.list_prims()
            d_list = perf_ns() - t0
            # Ordering is outside the timing.
            if order == "reverse":
                prims = prims[::-1]
            elif order == "indices":
                n = len(prims)
                bad = next((i for i in indices if i < 0 or i >= n), None)
                if bad is not None:
                    raise StepError("index %d is outside the %d prims" % (bad, n))
                prims = [prims[i] for i in indices]
            if 0 < limit < len(prims):
                prims = prims[:limit]
            state["prims"] = prims
            # The prims between probe points, cut before the timing
            # resumes.
            cuts = [p for p in points if p <= len(prims)]
            segments, lo = [], 0
            for p in cuts:
                segments.append((prims[lo:p], p))
                lo = p
            if lo < len(prims) or not segments:
                segments.append((prims[lo:] if lo else prims, None))
            paused = 0
            try:
                start = perf_ns()
                for seg, probe in segments:
                    read(seg)
                    if probe is not None:
                        tp = perf_ns()
                        self.send({"type": "probe", "step": name, "prims": probe,
                                   "elapsed_ns": float(d_list + tp - start - paused)})
                        self.await_go(name)
                        paused += perf_ns() - tp
                d = perf_ns() - start - paused
            except (Abandon, StepError):
                raise
            except Exception as e:
                raise StepError(self.traverse_failure(r, prims, props, e))
            return self.elapsed(d_list + d), 1, False

        def digest():
            dg = Digest()
            prop_lps = [(n, lp(n)) for n in props]
            value = r.value_fn(when) if when is not None else None
            for p in state["prims"]:
                ps = r.path_string(p)
                path_lp = lp(ps)
                for n, n_lp in prop_lps:
                    where = "%s.%s" % (ps, n)
                    if value is None:
                        code, v = r.typed(p, n, where)
                    else:
                        v = value(p, n)
                        if not has_value(when, v):
                            continue
                        code, _ = r.typed(p, n, where)
                    add_read(dg, path_lp, n_lp, code, when, v, where)
            return dg.hex(), dg.n

        return timed, digest

    @staticmethod
    def traverse_failure(r, prims, props, e):
        for p in prims:
            why = r.diagnose(r.prim_path(p), props)
            if why:
                return why
        return "traverse: %s: %s" % (type(e).__name__, describe_exc(e))


def calibrate(n, d, reads):
    """Grow the batch from n reads (which took d ns) until one timing lasts
    BATCH_GOAL_NS: next = n * goal / d plus a fifth, at most 100 n, at least
    n + 1, at most MAX_BATCH. Returns the size and its timing."""
    while d < BATCH_GOAL_NS and n < MAX_BATCH:
        prev = d if d > 0 else 1
        m = int(BATCH_GOAL_NS * n / prev)
        m += m // 5
        m = min(m, 100 * n)
        m = max(m, n + 1)
        n = min(m, MAX_BATCH)
        d = reads(n)
    return n, d


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 0
    if len(argv) > 1:
        print("%s: unexpected arguments %s (runner talks to the driver on stdin)" % (DRIVER, " ".join(argv[1:])), file=sys.stderr)
        return 2
    warm_up()
    out = os.fdopen(_PROTO_FD, "wb")
    try:
        return Driver(sys.stdin.buffer, out).serve()
    except BrokenPipeError:
        print("%s: runner closed our stdout" % DRIVER, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
