#include "scene.h"

#include "block.h"
#include <xxhash.h>

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/memory_pool.h>
#include <arrow/util/key_value_metadata.h>
#include <parquet/column_reader.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>
#include <parquet/schema.h>
#include <parquet/types.h>

#include <pxr/js/json.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace usdparquet {

// pathHash is XXH64 (seed 0) of a prim path: the hash the lazy index of
// runner's Parquet files stores (formats/parquet/index.go).
static uint64_t pathHash(std::string_view s) { return XXH64(s.data(), s.size(), 0); }

ByteSource::~ByteSource() = default;

namespace {

const char* const kTypeNames[] = {"invalid", "double", "float", "int", "int64", "bool", "string",
                                  "token", "float3", "double3", "double[]", "float[]", "int[]",
                                  "float3[]"};

// The layout constants of formats/parquet (schema.go, index.go).
constexpr const char* kSceneKey = "scenebench.scene";
constexpr const char* kPathColumn = "path";
constexpr char kTrailerMagic[8] = {'S', 'B', 'P', 'Q', 'I', 'D', 'X', '1'};
constexpr int64_t kTrailerSize = 96;
constexpr int64_t kEntrySize = 12;
constexpr uint32_t kMaxBucketBits = 26;
// Values per column chunk beyond which a file is taken as corrupt rather
// than allocated for.
constexpr int64_t kMaxChunkValues = int64_t(1) << 28;

std::string Num(int64_t v) { return std::to_string(v); }
// (Built by appends: GCC 12 warns falsely on "\"" + std::string(s), PR 105651.)
std::string Quote(std::string_view s) {
    std::string q;
    q.reserve(s.size() + 2);
    q += '"';
    q += s;
    q += '"';
    return q;
}

uint32_t Le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t Le64(const uint8_t* p) { return uint64_t(Le32(p)) | uint64_t(Le32(p + 4)) << 32; }

uint32_t Crc32(const uint8_t* p, size_t n) {
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// Arrow allocates from the process's malloc, not from its own jemalloc or
// mimalloc pool: inside a host process one allocator is enough, RSS
// reflects what is in use, and there is no allocator start-up on the first
// read.
arrow::MemoryPool* Pool() { return arrow::system_memory_pool(); }

const parquet::ReaderProperties& ReaderProps() {
    static const parquet::ReaderProperties props(Pool());
    return props;
}

// Parquet's CompressionCodec numbers to Arrow's, as Arrow's own metadata
// reader maps them (LZ4 is the Hadoop framing, LZ4_RAW Arrow's LZ4).
int ArrowCodec(int thriftCodec) {
    switch (thriftCodec) {
    case 0: return arrow::Compression::UNCOMPRESSED;
    case 1: return arrow::Compression::SNAPPY;
    case 2: return arrow::Compression::GZIP;
    case 3: return arrow::Compression::LZO;
    case 4: return arrow::Compression::BROTLI;
    case 5: return arrow::Compression::LZ4_HADOOP;
    case 6: return arrow::Compression::ZSTD;
    case 7: return arrow::Compression::LZ4;
    }
    throw Error("unknown compression codec " + Num(thriftCodec));
}

bool IsIdentStart(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

// ValidPrimPath accepts absolute prim paths: /A/B_1/C.
bool ValidPrimPath(std::string_view p, bool (*unicode)(std::string_view)) {
    if (p.size() < 2 || p[0] != '/' || p.back() == '/') return false;
    size_t i = 1;
    while (i <= p.size()) {
        size_t j = p.find('/', i);
        if (j == std::string_view::npos) j = p.size();
        std::string_view name = p.substr(i, j - i);
        if (name.empty()) return false;
        bool ascii = true;
        for (unsigned char c : name) ascii &= c < 0x80;
        if (ascii) {
            if (!IsIdentStart(name[0])) return false;
            for (unsigned char c : name)
                if (!IsIdentChar(c)) return false;
        } else if (!unicode || !unicode(name)) {
            return false;
        }
        i = j + 1;
    }
    return true;
}

// JsonNumber reads a JSON number, integer or not.
bool JsonNumber(const pxr::JsValue& v, double* x) {
    if (v.IsReal()) *x = v.GetReal();
    else if (v.IsInt()) *x = double(v.GetInt64());
    else if (v.IsUInt64()) *x = double(v.GetUInt64());
    else return false;
    return true;
}

// ParseSamples reads a property's "samples" entry, {"count": N, "start":
// S, "step": D}, and checks it as formats.Samples.Check does: N from 0 to
// kMaxSamples, S and D finite, and (N > 1) times strictly ascending.
Samples ParseSamples(const std::string& prop, const pxr::JsValue& v) {
    const std::string where = "scene metadata: property " + Quote(prop) + ": samples";
    if (!v.IsObject()) throw Error(where + " is not an object");
    const pxr::JsObject& o = v.GetJsObject();
    Samples s;
    double count = 0;
    auto c = o.find("count"), st = o.find("start"), sp = o.find("step");
    if (c == o.end() || !JsonNumber(c->second, &count) || count != std::floor(count) || count < 0 ||
        count > kMaxSamples)
        throw Error(where + " count must be a whole number from 0 to " + Num(kMaxSamples));
    s.count = int(count);
    if (st != o.end() && !JsonNumber(st->second, &s.start)) throw Error(where + " start is not a number");
    if (sp != o.end() && !JsonNumber(sp->second, &s.step)) throw Error(where + " step is not a number");
    if (s.count == 0) return s;
    if (!std::isfinite(s.start) || !std::isfinite(s.step)) throw Error(where + " start and step must be finite");
    if (s.count > 1 && !(s.step > 0)) throw Error(where + " step must be more than 0");
    if (!std::isfinite(s.Time(s.count - 1))) throw Error(where + ": the last time overflows");
    for (int k = 1; k < s.count; k++)
        if (!(s.Time(k) > s.Time(k - 1)))
            throw Error(where + " step is too small: samples " + Num(k - 1) + " and " + Num(k) + " share a time");
    return s;
}

// SampleColumnName is the column of a property's sample k: "name@k".
std::string SampleColumnName(const std::string& prop, int k) { return prop + "@" + std::to_string(k); }

bool ShapeFits(PropType t, PropType shape) {
    switch (t) {
    case PropType::Token: return shape == PropType::String;
    case PropType::Float3: return shape == PropType::FloatArray;
    case PropType::Double3: return shape == PropType::DoubleArray;
    default: return t == shape;
    }
}

} // namespace

const char* TypeName(PropType t) {
    size_t i = size_t(t);
    return i < std::size(kTypeNames) ? kTypeNames[i] : "invalid";
}

PropType ParseTypeName(std::string_view s) {
    for (size_t i = 1; i < std::size(kTypeNames); i++)
        if (s == kTypeNames[i]) return PropType(i);
    return PropType::Invalid;
}

// ---------------------------------------------------------------------------
// Hierarchy

int32_t Hierarchy::Find(std::string_view path) const {
    if (path == "/") return 0;
    if (_slots.empty()) return -1;
    const uint64_t h = pathHash(path);
    for (uint64_t i = h & _mask;; i = (i + 1) & _mask) {
        uint32_t s = _slots[i];
        if (s == 0) return -1;
        if (_hashes[i] == h && Path(int32_t(s - 1)) == path) return int32_t(s - 1);
    }
}

int32_t Hierarchy::Insert(std::string_view path, uint64_t h, int32_t node) {
    if ((nodes.size() + 1) * 2 > _slots.size()) Grow();
    for (uint64_t i = h & _mask;; i = (i + 1) & _mask) {
        uint32_t s = _slots[i];
        if (s == 0) {
            _slots[i] = uint32_t(node) + 1;
            _hashes[i] = h;
            return -1;
        }
        if (_hashes[i] == h && Path(int32_t(s - 1)) == path) return int32_t(s - 1);
    }
}

void Hierarchy::Grow() {
    size_t cap = std::max<size_t>(64, _slots.size() * 2);
    while (cap < (nodes.size() + 1) * 2) cap *= 2;
    std::vector<uint32_t> slots(cap, 0);
    std::vector<uint64_t> hashes(cap, 0);
    const uint64_t mask = cap - 1;
    for (size_t i = 0; i < _slots.size(); i++) {
        if (!_slots[i]) continue;
        uint64_t j = _hashes[i] & mask;
        while (slots[j]) j = (j + 1) & mask;
        slots[j] = _slots[i];
        hashes[j] = _hashes[i];
    }
    _slots.swap(slots);
    _hashes.swap(hashes);
    _mask = mask;
}

// ---------------------------------------------------------------------------
// Open

std::unique_ptr<Scene> Scene::Open(std::shared_ptr<ByteSource> src, const Options& opts) {
    std::unique_ptr<Scene> s(new Scene);
    s->_src = std::move(src);
    s->_opts = opts;
    s->_size = s->_src->Size();
    try {
        s->OpenFooter(opts.lazy);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(std::string("corrupt footer: ") + e.what());
    }
    if (!s->_useHash && !opts.deferIndex && !opts.lazy) s->BuildHierarchy();
    return s;
}

namespace {
std::atomic<uint64_t> gNextSceneId{1};
} // namespace

Scene::Scene() : _id(gNextSceneId.fetch_add(1, std::memory_order_relaxed)) {}

Scene::~Scene() = default;

void Scene::OpenFooter(bool lazy) {
    if (_size < 12) throw Error("not a Parquet file (" + Num(_size) + " bytes)");
    uint8_t head[4], tail[8];
    _src->ReadAt(0, 4, head);
    _src->ReadAt(_size - 8, 8, tail);
    if (std::memcmp(head, "PAR1", 4) != 0 || std::memcmp(tail + 4, "PAR1", 4) != 0)
        throw Error("not a Parquet file (no PAR1 magic)");
    const int64_t footerLen = Le32(tail);
    if (footerLen + 12 > _size)
        throw Error("truncated: footer length " + Num(footerLen) + " exceeds the file's " + Num(_size) +
                    " bytes");
    _footerStart = _size - 8 - footerLen;
    if (lazy && _footerStart >= 4 + kTrailerSize && ReadTrailer(footerLen)) {
        OpenLazy();
        return;
    }
    std::vector<uint8_t> footer(footerLen);
    _src->ReadAt(_footerStart, footerLen, footer.data());
    OpenEager(footer);
}

// ReadTrailer reads and checks the prim index trailer ending at the footer;
// false when the file has none (another writer's file).
bool Scene::ReadTrailer(int64_t footerLen) {
    uint8_t b[kTrailerSize];
    _src->ReadAt(_footerStart - kTrailerSize, kTrailerSize, b);
    if (std::memcmp(b, kTrailerMagic, 8) != 0) return false;
    if (Crc32(b, 88) != Le32(b + 88)) throw Error("prim index trailer is corrupt (checksum mismatch)");
    Trailer& t = _trailer;
    t.prims = Le64(b + 8);
    t.rowGroupSize = Le64(b + 16);
    t.rowGroups = Le32(b + 24);
    t.bucketBits = Le32(b + 28);
    t.sceneOff = Le64(b + 32);
    t.sceneLen = Le64(b + 40);
    t.fanoutOff = Le64(b + 48);
    t.entriesOff = Le64(b + 56);
    t.spansOff = Le64(b + 64);
    t.prefixLen = Le64(b + 72);
    t.prefixLastField = Le64(b + 80);
    const uint64_t end = uint64_t(_footerStart - kTrailerSize);
    auto bad = [](const char* what) {
        return Error(std::string("prim index trailer is inconsistent: ") + what);
    };
    if (t.prims > UINT32_MAX) throw bad("too many prims");
    if (t.rowGroupSize == 0 && t.prims > 0) throw bad("zero row group size");
    if (t.bucketBits > kMaxBucketBits) throw bad("bucket bits");
    if (t.prims > 0 && uint64_t(t.rowGroups) != (t.prims + t.rowGroupSize - 1) / t.rowGroupSize)
        throw bad("row group count");
    if (t.sceneOff > end || t.sceneLen > end - t.sceneOff) throw bad("scene range");
    if (t.fanoutOff > end || ((uint64_t(1) << t.bucketBits) + 1) * 4 > end - t.fanoutOff)
        throw bad("fanout range");
    if (t.entriesOff > end || t.prims * kEntrySize > end - t.entriesOff) throw bad("entries range");
    if (t.spansOff > end || uint64_t(t.rowGroups) * 8 > end - t.spansOff) throw bad("spans range");
    if (t.prefixLen == 0 || t.prefixLen > uint64_t(footerLen)) throw bad("footer prefix");
    if (t.prefixLastField == 0 || t.prefixLastField >= 4) throw bad("footer prefix field");
    if (t.sceneOff < 4) throw bad("scene range");
    return true;
}

void Scene::ParseScene(const std::string& json, std::vector<Property>* props, int64_t* prims) {
    pxr::JsParseError perr;
    pxr::JsValue v = pxr::JsParseString(json, &perr);
    if (!v.IsObject())
        throw Error("scene metadata is not a JSON object (" + perr.reason + ")");
    const pxr::JsObject& o = v.GetJsObject();
    auto it = o.find("properties");
    if (it == o.end() || !(it->second.IsArray() || it->second.IsNull()))
        throw Error("scene metadata has no property list");
    if (it->second.IsArray()) {
        int i = 0;
        for (const pxr::JsValue& p : it->second.GetJsArray()) {
            if (!p.IsObject()) throw Error("scene metadata: property " + Num(i) + " is not an object");
            const pxr::JsObject& po = p.GetJsObject();
            auto n = po.find("name"), t = po.find("type");
            Property prop;
            if (n != po.end() && n->second.IsString()) prop.name = n->second.GetString();
            if (prop.name.empty()) throw Error("scene metadata: property " + Num(i) + " has no name");
            if (t == po.end() || !t->second.IsString() || t->second.GetString().empty())
                throw Error("scene metadata: property " + Num(i) + " (" + Quote(prop.name) + ") has no type");
            prop.type = ParseTypeName(t->second.GetString());
            if (prop.type == PropType::Invalid)
                throw Error("scene metadata: property " + Quote(prop.name) + " has type " +
                            Quote(t->second.GetString()) + ", which this plugin does not read");
            if (auto sm = po.find("samples"); sm != po.end() && !sm->second.IsNull())
                prop.samples = ParseSamples(prop.name, sm->second);
            props->push_back(std::move(prop));
            i++;
        }
    }
    *prims = -1;
    auto p = o.find("prims");
    if (p != o.end() && p->second.IsInt()) *prims = p->second.GetInt64();
    else if (p != o.end() && p->second.IsUInt64()) *prims = int64_t(std::min<uint64_t>(p->second.GetUInt64(), INT64_MAX));
    if (*prims < 0) throw Error("scene metadata has no prim count");
    _sceneJSON = json;
}

void Scene::OpenLazy() {
    const Trailer& t = _trailer;
    std::string json(t.sceneLen, '\0');
    _src->ReadAt(int64_t(t.sceneOff), int64_t(t.sceneLen), json.data());
    std::vector<Property> declared;
    int64_t prims = 0;
    ParseScene(json, &declared, &prims);
    std::string createdBy;
    {
        pxr::JsValue v = pxr::JsParseString(json);
        const auto& o = v.GetJsObject();
        auto c = o.find("created_by");
        if (c != o.end() && c->second.IsString()) createdBy = c->second.GetString();
    }
    // The footer's head (version, schema, num_rows), closed with an empty
    // row group list and created_by, parses on its own into the schema.
    std::vector<uint8_t> buf(t.prefixLen);
    _src->ReadAt(_footerStart, int64_t(t.prefixLen), buf.data());
    buf.push_back(uint8_t((4 - t.prefixLastField) << 4 | 0x09)); // field 4, list
    buf.push_back(0x0c);                                           // of 0 structs
    if (!createdBy.empty()) {
        buf.push_back(0x28); // field 6 (delta 2), binary
        for (uint64_t n = createdBy.size();; n >>= 7) {
            if (n < 0x80) { buf.push_back(uint8_t(n)); break; }
            buf.push_back(uint8_t(n & 0x7f) | 0x80);
        }
        buf.insert(buf.end(), createdBy.begin(), createdBy.end());
    }
    buf.push_back(0); // stop
    try {
        uint32_t len = uint32_t(buf.size());
        _md = parquet::FileMetaData::Make(buf.data(), &len, ReaderProps());
    } catch (const std::exception& e) {
        throw Error(std::string("footer schema: ") + e.what());
    }
    if (_md->num_rows() != int64_t(t.prims) || prims != int64_t(t.prims))
        throw Error("prim index lists " + Num(t.prims) + " prims, footer " + Num(_md->num_rows()) +
                    ", scene " + Num(prims));
    MapColumns(declared);
    _rows = int64_t(t.prims);
    _nrg = t.rowGroups;
    _rgSize = int64_t(t.rowGroupSize);
    _useHash = true;
}

void Scene::OpenEager(const std::vector<uint8_t>& footer) {
    try {
        uint32_t len = uint32_t(footer.size());
        _md = parquet::FileMetaData::Make(footer.data(), &len, ReaderProps());
    } catch (const std::exception& e) {
        throw Error(std::string("reading the footer: ") + e.what());
    }
    const auto& kv = _md->key_value_metadata();
    int idx = kv ? kv->FindKey(kSceneKey) : -1;
    if (idx < 0)
        throw Error(std::string("not a scene in runner's Parquet layout: no \"") + kSceneKey +
                    "\" key/value metadata describing its properties");
    std::vector<Property> declared;
    int64_t prims = 0;
    ParseScene(kv->value(idx), &declared, &prims);
    MapColumns(declared);
    _nrg = _md->num_row_groups();
    _rgStart.assign(_nrg + 1, 0);
    bool uniform = true;
    for (int64_t g = 0; g < _nrg; g++) {
        const int64_t n = _md->RowGroup(int(g))->num_rows();
        if (n < 0 || _rgStart[g] + n > int64_t(UINT32_MAX))
            throw Error("row group " + Num(g) + " has an invalid row count " + Num(n));
        _rgStart[g + 1] = _rgStart[g] + n;
        if ((g > 0 && g < _nrg - 1 && n != _rgStart[1]) || (g == _nrg - 1 && g > 0 && n > _rgStart[1]))
            uniform = false;
    }
    _rows = _rgStart[_nrg];
    if (uniform && _nrg > 0 && _rgStart[1] > 0) _rgSize = _rgStart[1];
    if (prims != _rows)
        throw Error("scene metadata lists " + Num(prims) + " prims, the file has " + Num(_rows) + " rows");
}

Scene::Column Scene::Shape(int leaf) const {
    const parquet::ColumnDescriptor* d = _md->schema()->Column(leaf);
    Column c;
    c.leaf = leaf;
    c.descr = d;
    c.shape.maxDef = d->max_definition_level();
    c.shape.maxRep = d->max_repetition_level();
    if (c.shape.maxRep > 2) throw Error("nested " + Num(c.shape.maxRep) + " levels deep");
    std::vector<const parquet::schema::Node*> nodes;
    for (const parquet::schema::Node* n = d->schema_node().get(); n && n->parent(); n = n->parent())
        nodes.insert(nodes.begin(), n);
    int16_t def = 0;
    int reps = 0;
    for (const auto* n : nodes) {
        if (n->is_optional()) {
            def++;
        } else if (n->is_repeated()) {
            def++;
            if (reps < 2) c.shape.repDefs[reps] = def;
            reps++;
        }
    }
    PropType elem = PropType::Invalid;
    const auto& lt = d->logical_type();
    auto intOK = [&](int bits) {
        if (!lt || lt->is_none()) return true;
        if (!lt->is_int()) return false;
        const auto& it = static_cast<const parquet::IntLogicalType&>(*lt);
        return it.bit_width() == bits && it.is_signed();
    };
    switch (d->physical_type()) {
    case parquet::Type::DOUBLE: elem = PropType::Double; break;
    case parquet::Type::FLOAT: elem = PropType::Float; break;
    case parquet::Type::INT32:
        if (!intOK(32)) throw Error("unsupported INT32 logical type " + lt->ToString());
        elem = PropType::Int;
        break;
    case parquet::Type::INT64:
        if (!intOK(64)) throw Error("unsupported INT64 logical type " + lt->ToString());
        elem = PropType::Int64;
        break;
    case parquet::Type::BOOLEAN: elem = PropType::Bool; break;
    case parquet::Type::BYTE_ARRAY:
        if (!(lt && lt->is_string()) && d->converted_type() != parquet::ConvertedType::UTF8)
            throw Error("BYTE_ARRAY without the UTF8/String annotation");
        elem = PropType::String;
        break;
    default:
        throw Error(std::string("unsupported physical type ") + parquet::TypeToString(d->physical_type()));
    }
    switch (c.shape.maxRep) {
    case 0: c.shape.shape = elem; break;
    case 1:
        if (elem == PropType::Double) c.shape.shape = PropType::DoubleArray;
        else if (elem == PropType::Float) c.shape.shape = PropType::FloatArray;
        else if (elem == PropType::Int) c.shape.shape = PropType::IntArray;
        else throw Error(std::string("unsupported list of ") + TypeName(elem));
        break;
    case 2:
        if (elem != PropType::Float) throw Error(std::string("unsupported list of lists of ") + TypeName(elem));
        c.shape.shape = PropType::Float3Array;
        break;
    }
    c.shape.type = c.shape.shape;
    return c;
}

void Scene::MapColumns(const std::vector<Property>& declared) {
    const parquet::SchemaDescriptor* sc = _md->schema();
    const parquet::schema::GroupNode* root = sc->group_node();
    std::vector<int> firstLeaf(root->field_count(), -1);
    for (int i = 0; i < sc->num_columns(); i++) {
        const parquet::schema::Node* top = sc->GetColumnRoot(i);
        int idx = root->FieldIndex(*top);
        if (idx < 0) throw Error("column " + Num(i) + " has no top-level field");
        if (firstLeaf[idx] >= 0)
            throw Error("column " + Quote(top->name()) + " has more than one leaf, which no scene property uses");
        firstLeaf[idx] = i;
    }
    std::unordered_map<std::string, Column> byName;
    bool havePath = false;
    for (int fi = 0; fi < root->field_count(); fi++) {
        const std::string& name = root->field(fi)->name();
        const int leaf = firstLeaf[fi];
        if (leaf < 0) throw Error("column " + Quote(name) + " holds no values");
        if (name == kPathColumn) {
            const parquet::ColumnDescriptor* d = sc->Column(leaf);
            if (d->physical_type() != parquet::Type::BYTE_ARRAY || d->max_repetition_level() != 0)
                throw Error(std::string("column \"path\" is ") + parquet::TypeToString(d->physical_type()) +
                            ", not a string column");
            _pathCol.prop = {kPathColumn, PropType::String};
            _pathCol.leaf = leaf;
            _pathCol.descr = d;
            _pathCol.shape.type = _pathCol.shape.shape = PropType::String;
            _pathCol.shape.maxDef = d->max_definition_level();
            havePath = true;
            continue;
        }
        try {
            byName[name] = Shape(leaf);
        } catch (const Error& e) {
            throw Error("column " + Quote(name) + ": " + e.what());
        }
    }
    if (!havePath) throw Error("no \"path\" column");
    for (const Property& p : declared) {
        auto it = byName.find(p.name);
        if (it == byName.end())
            throw Error("property " + Quote(p.name) + " (" + TypeName(p.type) + ") has no column");
        Column c = it->second;
        if (!ShapeFits(p.type, c.shape.shape))
            throw Error("property " + Quote(p.name) + " is declared " + TypeName(p.type) +
                        " but its column holds " + TypeName(c.shape.shape));
        for (const Column& o : _cols)
            if (o.prop.name == p.name) throw Error("property " + Quote(p.name) + " is declared twice");
        c.prop = p;
        c.shape.type = p.type;
        _cols.push_back(c);
    }
    // Time samples: property p's sample k is the column "p@k", of p's own
    // type. Every column so named must belong to a declared sample.
    std::unordered_map<std::string, int> samplesOf; // property name -> count
    for (const Property& p : declared) samplesOf[p.name] = p.samples.count;
    for (int fi = 0; fi < root->field_count(); fi++) {
        const std::string& name = root->field(fi)->name();
        const size_t at = name.rfind('@');
        if (at == std::string::npos) continue;
        auto it = samplesOf.find(name.substr(0, at));
        if (it == samplesOf.end()) continue; // not a property of the scene
        const std::string k = name.substr(at + 1);
        const bool digits = !k.empty() && k.size() <= 6 && k.find_first_not_of("0123456789") == std::string::npos &&
                            (k.size() == 1 || k[0] != '0');
        if (!digits || std::stoi(k) >= it->second) {
            std::string msg = "column " + Quote(name) + ": property " + Quote(it->first) + " declares " +
                              Num(it->second) + " time samples";
            if (it->second > 0)
                msg += " (columns " + Quote(SampleColumnName(it->first, 0)) + " to " +
                       Quote(SampleColumnName(it->first, it->second - 1)) + ")";
            throw Error(msg);
        }
    }
    _times.assign(declared.size(), {});
    _firstSample.assign(declared.size(), -1);
    std::vector<double> all;
    for (size_t i = 0; i < declared.size(); i++) {
        const Property& p = declared[i];
        if (p.samples.count == 0) continue;
        _firstSample[i] = int(_cols.size());
        for (int k = 0; k < p.samples.count; k++) {
            const std::string name = SampleColumnName(p.name, k);
            auto it = byName.find(name);
            if (it == byName.end())
                throw Error("property " + Quote(p.name) + " declares " + Num(p.samples.count) +
                            " time samples, but column " + Quote(name) + " is missing");
            Column c = it->second;
            const Column& own = _cols[i];
            if (!ShapeFits(p.type, c.shape.shape) || c.descr->physical_type() != own.descr->physical_type())
                throw Error("column " + Quote(name) + " holds " + TypeName(c.shape.shape) + " (" +
                            parquet::TypeToString(c.descr->physical_type()) + "), but property " + Quote(p.name) +
                            " is " + TypeName(p.type) + " (" + parquet::TypeToString(own.descr->physical_type()) +
                            ")");
            c.prop = Property{name, p.type, {}};
            c.shape.type = p.type;
            _cols.push_back(c);
            _times[i].push_back(p.samples.Time(k));
        }
        all.insert(all.end(), _times[i].begin(), _times[i].end());
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    _allTimes = std::move(all);
    _props = declared;
}

// ---------------------------------------------------------------------------
// Lookups

int Scene::FindColumn(std::string_view name) const {
    for (size_t i = 0; i < _props.size(); i++)
        if (_props[i].name == name) return int(i);
    return -1;
}

int64_t Scene::RowsIn(int64_t g) const {
    if (!_rgStart.empty()) return _rgStart[g + 1] - _rgStart[g];
    return std::min(_rgSize, _rows - g * _rgSize);
}

void Scene::Locate(int64_t row, int64_t* g, int64_t* i) const {
    if (_rgSize > 0) {
        *g = row / _rgSize;
        *i = row - *g * _rgSize;
        return;
    }
    auto it = std::upper_bound(_rgStart.begin(), _rgStart.end(), row);
    *g = (it - _rgStart.begin()) - 1;
    *i = row - _rgStart[*g];
}

int64_t Scene::DataEnd() const { return _useHash ? int64_t(_trailer.sceneOff) : _footerStart; }

std::shared_ptr<const Scene::Bucket> Scene::LoadBucket(uint32_t bi) const {
    {
        std::lock_guard<std::mutex> lk(_idxMu);
        auto it = _buckets.find(bi);
        if (it != _buckets.end()) return it->second;
    }
    uint8_t fo[8];
    _src->ReadAt(int64_t(_trailer.fanoutOff) + 4 * int64_t(bi), 8, fo);
    const uint64_t lo = Le32(fo), hi = Le32(fo + 4);
    if (lo > hi || hi > _trailer.prims) throw Error("prim index bucket " + Num(bi) + " is corrupt");
    std::vector<uint8_t> buf((hi - lo) * kEntrySize);
    _src->ReadAt(int64_t(_trailer.entriesOff + lo * kEntrySize), int64_t(buf.size()), buf.data());
    auto bk = std::make_shared<Bucket>();
    const size_t n = hi - lo;
    bk->hashes.resize(n);
    bk->rows.resize(n);
    for (size_t i = 0; i < n; i++) {
        bk->hashes[i] = Le64(&buf[kEntrySize * i]);
        bk->rows[i] = Le32(&buf[kEntrySize * i + 8]);
        if (bk->rows[i] >= _trailer.prims)
            throw Error("prim index bucket " + Num(bi) + ": entry points at row " + Num(bk->rows[i]) +
                        " of " + Num(_trailer.prims));
        if (i > 0 && bk->hashes[i] <= bk->hashes[i - 1])
            throw Error("prim index bucket " + Num(bi) + " is not sorted");
    }
    std::lock_guard<std::mutex> lk(_idxMu);
    return _buckets.emplace(bi, std::move(bk)).first->second;
}

int64_t Scene::FindRow(std::string_view path) const {
    if (!_useHash) {
        const Hierarchy& h = GetHierarchy();
        int32_t n = h.Find(path);
        return n < 0 ? -1 : h.nodes[n].row;
    }
    const uint64_t h = pathHash(path);
    const uint32_t bi = _trailer.bucketBits ? uint32_t(h >> (64 - _trailer.bucketBits)) : 0;
    auto bk = LoadBucket(bi);
    auto it = std::lower_bound(bk->hashes.begin(), bk->hashes.end(), h);
    if (it == bk->hashes.end() || *it != h) return -1;
    return bk->rows[it - bk->hashes.begin()];
}

std::shared_ptr<const RowGroupInfo> Scene::LazyRowGroup(int64_t g) const {
    {
        std::lock_guard<std::mutex> lk(_idxMu);
        auto it = _rgInfo.find(g);
        if (it != _rgInfo.end()) return it->second;
    }
    uint8_t sp[8];
    _src->ReadAt(int64_t(_trailer.spansOff) + 8 * g, 8, sp);
    const int64_t off = Le32(sp), n = Le32(sp + 4);
    if (off < int64_t(_trailer.prefixLen) || off + n > _size - 8 - _footerStart)
        throw Error("prim index: row group " + Num(g) + " lies outside the footer");
    std::vector<uint8_t> span(n);
    _src->ReadAt(_footerStart + off, n, span.data());
    auto info = std::make_shared<RowGroupInfo>(DecodeRowGroup(span.data(), span.size()));
    if (info->numRows != RowsIn(g))
        throw Error("row group " + Num(g) + " has " + Num(info->numRows) + " rows, the prim index expects " +
                    Num(RowsIn(g)));
    if (int64_t(info->columns.size()) != _md->schema()->num_columns())
        throw Error("row group " + Num(g) + " has " + Num(info->columns.size()) + " column chunks, the schema " +
                    Num(_md->schema()->num_columns()));
    for (ChunkInfo& c : info->columns) c.arrowCodec = ArrowCodec(c.codec);
    std::lock_guard<std::mutex> lk(_idxMu);
    return _rgInfo.emplace(g, std::move(info)).first->second;
}

ChunkInfo Scene::Chunk(int64_t g, int leaf) const {
    if (_useHash) return LazyRowGroup(g)->columns[leaf];
    auto rg = _md->RowGroup(int(g));
    if (leaf >= rg->num_columns()) throw Error("row group " + Num(g) + " lacks column " + Num(leaf));
    auto cc = rg->ColumnChunk(leaf);
    ChunkInfo c;
    c.physicalType = cc->type();
    c.arrowCodec = cc->compression();
    c.numValues = cc->num_values();
    c.totalUncompressed = cc->total_uncompressed_size();
    c.totalCompressed = cc->total_compressed_size();
    c.dataPageOffset = cc->data_page_offset();
    c.dictionaryPageOffset = cc->has_dictionary_page() ? cc->dictionary_page_offset() : -1;
    if (!cc->file_path().empty())
        throw Error("a column chunk lives in another file, which this reader does not support");
    return c;
}

// ---------------------------------------------------------------------------
// Blocks

std::shared_ptr<Block> Scene::Decode(const Column& c, int64_t g) const {
    const int64_t rows = RowsIn(g);
    try {
        ChunkInfo ci = Chunk(g, c.leaf);
        if (ci.physicalType != c.descr->physical_type())
            throw Error("column chunk type does not match the schema");
        int64_t start = ci.dataPageOffset, n = ci.totalCompressed;
        if (ci.dictionaryPageOffset > 0 && ci.dictionaryPageOffset < start) start = ci.dictionaryPageOffset;
        // Check the chunk's extent before allocating what the metadata claims.
        if (start < 4 || n < 0 || n > DataEnd() - start)
            throw Error("column chunk [" + Num(start) + ", +" + Num(n) + ") lies outside the file's data");
        if (ci.numValues < 0 || ci.numValues > kMaxChunkValues || (c.shape.maxRep == 0 && ci.numValues != rows))
            throw Error("column chunk declares " + Num(ci.numValues) + " values for " + Num(rows) + " rows");
        auto buf = arrow::AllocateBuffer(n, Pool());
        if (!buf.ok()) throw Error("cannot allocate " + Num(n) + " bytes: " + buf.status().ToString());
        std::shared_ptr<arrow::Buffer> data(std::move(buf).ValueUnsafe());
        _src->ReadAt(start, n, data->mutable_data());
        auto stream = std::make_shared<arrow::io::BufferReader>(data);
        auto pager = parquet::PageReader::Open(stream, ci.numValues,
                                               arrow::Compression::type(ci.arrowCodec), ReaderProps(),
                                               *c.descr);
        auto reader = parquet::ColumnReader::Make(c.descr, std::move(pager), Pool());
        return DecodeChunk(reader.get(), c.shape, rows, ci.numValues);
    } catch (const Error& e) {
        throw Error("row group " + Num(g) + ": " + e.what());
    } catch (const std::bad_alloc&) {
        throw Error("row group " + Num(g) + ": out of memory decoding a column chunk (corrupt sizes?)");
    } catch (const std::exception& e) {
        throw Error("row group " + Num(g) + ": corrupt column chunk: " + e.what());
    }
}

namespace {

// The blocks a thread read last, one slot per column (modulo the slot
// count), so that reading one property of prim after prim, or several
// properties of each, finds its block without a lock. Only scenes without
// a budget use them: their blocks live as long as the scene, and a slot
// names its scene by an id never reused, so a slot of a closed scene
// never matches again.
struct BlockSlot {
    uint64_t scene = 0, key = 0;
    const Block* block = nullptr;
};
constexpr size_t kBlockSlots = 64;
thread_local BlockSlot tBlockSlots[kBlockSlots];

} // namespace

Scene::BlockRef Scene::GetBlock(int c, int64_t g) const {
    const uint64_t key = uint64_t(g) * _cols.size() + uint64_t(c);
    if (_opts.cacheBudget > 0) return GetBlockLocked(c, g, key);
    BlockSlot& slot = tBlockSlots[size_t(c) % kBlockSlots];
    if (slot.scene == _id && slot.key == key) {
        BlockRef r;
        r._p = slot.block;
        return r;
    }
    BlockRef r = GetBlockLocked(c, g, key);
    slot.scene = _id;
    slot.key = key;
    slot.block = r._p;
    return r;
}

Scene::BlockRef Scene::GetBlockLocked(int c, int64_t g, uint64_t key) const {
    const bool budget = _opts.cacheBudget > 0;
    // Without a budget nothing is evicted: the cache's share keeps the
    // block alive until the scene goes, and a bare pointer is enough.
    auto ref = [budget](const std::shared_ptr<const Block>& b) {
        BlockRef r;
        r._p = b.get();
        if (budget) r._hold = b;
        return r;
    };
    {
        std::lock_guard<std::mutex> lk(_cacheMu);
        auto it = _cache.find(key);
        if (it != _cache.end()) {
            if (budget) _lru.splice(_lru.begin(), _lru, it->second.pos);
            return ref(it->second.block);
        }
    }
    std::lock_guard<std::mutex> load(_loadMu[key % std::size(_loadMu)]);
    {
        std::lock_guard<std::mutex> lk(_cacheMu);
        auto it = _cache.find(key);
        if (it != _cache.end()) return ref(it->second.block);
    }
    std::shared_ptr<const Block> b = Decode(_cols[c], g);
    std::lock_guard<std::mutex> lk(_cacheMu);
    Entry& e = _cache[key];
    e.block = b;
    _loads++;
    _used += b->bytes;
    if (budget) {
        _lru.push_front(key);
        e.pos = _lru.begin();
        // The newest block always stays, even alone over the budget.
        while (_used > _opts.cacheBudget && _lru.size() > 1) {
            const uint64_t victim = _lru.back();
            _lru.pop_back();
            auto v = _cache.find(victim);
            _used -= v->second.block->bytes;
            _cache.erase(v);
            _evictions++;
        }
    }
    return ref(b);
}

Scene::CacheStats Scene::Stats() const {
    std::lock_guard<std::mutex> lk(_cacheMu);
    return {_used, int64_t(_cache.size()), _loads, _evictions};
}

// ---------------------------------------------------------------------------
// Hierarchy

const Hierarchy& Scene::GetHierarchy() const {
    if (!_hierReady.load(std::memory_order_acquire)) BuildHierarchy();
    return *_hier;
}

void Scene::BuildHierarchy() const {
    std::lock_guard<std::mutex> lk(_hierMu);
    if (_hierReady.load(std::memory_order_relaxed)) return;
    if (!_hierErr.empty()) throw Error(_hierErr);
    try {
        auto h = std::make_unique<Hierarchy>();
        // The path column, row group by row group, into one arena.
        std::vector<uint32_t> rowOff;
        rowOff.reserve(size_t(_rows) + 1);
        rowOff.push_back(0);
        for (int64_t g = 0; g < _nrg; g++) {
            std::shared_ptr<Block> b;
            try {
                b = Decode(_pathCol, g);
            } catch (const Error& e) {
                throw Error(std::string("column path: ") + e.what());
            }
            if (!b->null.empty())
                throw Error("column path holds a null in row group " + Num(g));
            if (h->arena.size() + b->str.size() > UINT32_MAX) throw Error("prim paths exceed 4 GiB");
            const uint32_t base = uint32_t(h->arena.size());
            h->arena.append(b->str);
            for (int64_t i = 0; i < b->n; i++) rowOff.push_back(base + b->off[i + 1]);
        }
        if (int64_t(rowOff.size()) - 1 != _rows)
            throw Error("the path column holds " + Num(int64_t(rowOff.size()) - 1) + " rows, the file " + Num(_rows));
        auto& nodes = h->nodes;
        nodes.reserve(size_t(_rows) + size_t(_rows) / 8 + 2);
        nodes.emplace_back(); // the pseudo-root
        h->Grow();
        const std::string_view arena(h->arena);

        auto link = [&](int32_t parent, int32_t child) {
            Hierarchy::Node& p = nodes[parent];
            if (p.lastChild < 0) p.firstChild = child;
            else nodes[p.lastChild].next = child;
            p.lastChild = child;
            p.numChildren++;
            nodes[child].parent = parent;
        };
        // ensure returns the node of path (a prefix of a row path in the
        // arena), creating it and its ancestors as needed.
        auto ensure = [&](auto&& self, std::string_view path) -> int32_t {
            if (path.size() <= 1) return 0;
            const uint64_t hh = pathHash(path);
            Hierarchy::Node nd;
            nd.off = uint32_t(path.data() - arena.data());
            nd.len = uint32_t(path.size());
            nd.nameOff = uint32_t(path.rfind('/') + 1);
            const int32_t idx = int32_t(nodes.size());
            nodes.push_back(nd);
            const int32_t found = h->Insert(path, hh, idx);
            if (found >= 0) {
                nodes.pop_back();
                return found;
            }
            const int32_t parent = self(self, path.substr(0, nodes[idx].nameOff - 1));
            link(parent, idx);
            return idx;
        };
        std::string_view lastParentPath;
        int32_t lastParent = -1;
        for (int64_t r = 0; r < _rows; r++) {
            const std::string_view p = arena.substr(rowOff[r], rowOff[r + 1] - rowOff[r]);
            if (!ValidPrimPath(p, _opts.validUnicodeName))
                throw Error("row " + Num(r) + " holds " + Quote(p) + ", which is not an absolute prim path");
            const size_t slash = p.rfind('/');
            const std::string_view parentPath = p.substr(0, slash);
            int32_t parent;
            if (lastParent >= 0 && parentPath == lastParentPath) {
                parent = lastParent;
            } else {
                parent = ensure(ensure, parentPath);
                lastParent = parent;
                lastParentPath = parentPath;
            }
            Hierarchy::Node nd;
            nd.off = rowOff[r];
            nd.len = uint32_t(p.size());
            nd.nameOff = uint32_t(slash + 1);
            nd.row = int32_t(r);
            const int32_t idx = int32_t(nodes.size());
            nodes.push_back(nd);
            const int32_t found = h->Insert(p, pathHash(p), idx);
            if (found >= 0) {
                nodes.pop_back();
                if (nodes[found].row >= 0)
                    throw Error("prim " + Quote(p) + " appears at rows " + Num(nodes[found].row) + " and " + Num(r));
                nodes[found].row = int32_t(r); // first seen as an ancestor
                continue;
            }
            link(parent, idx);
        }
        _hier = std::move(h);
        _hierReady.store(true, std::memory_order_release);
    } catch (const Error& e) {
        _hierErr = e.what();
        throw;
    } catch (const std::exception& e) {
        _hierErr = std::string("reading the prim paths: ") + e.what();
        throw Error(_hierErr);
    }
}

} // namespace usdparquet
