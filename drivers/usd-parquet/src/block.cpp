#include "block.h"

#include <parquet/column_reader.h>

#include <cstring>
#include <string>

namespace usdparquet {
namespace {

constexpr int64_t kBatch = 4096;

std::string Num(int64_t v) { return std::to_string(v); }

// ReadAll reads every value and level of a column chunk. Values go to sink
// batch by batch, before the reader may reuse their memory.
template <typename DType, typename Sink>
void ReadAll(parquet::ColumnReader* cr, const ColumnShape& c, int64_t numValues, Sink sink,
             std::vector<int16_t>& defs, std::vector<int16_t>& reps) {
    using T = typename DType::c_type;
    auto* r = static_cast<parquet::TypedColumnReader<DType>*>(cr);
    std::unique_ptr<T[]> vals(new T[kBatch]);
    std::vector<int16_t> d(c.maxDef > 0 ? kBatch : 0), rp(c.maxRep > 0 ? kBatch : 0);
    int64_t total = 0;
    while (r->HasNext()) {
        int64_t nv = 0;
        int64_t nl = r->ReadBatch(kBatch, d.empty() ? nullptr : d.data(),
                                  rp.empty() ? nullptr : rp.data(), vals.get(), &nv);
        if (nl == 0 && nv == 0) break;
        if (nv > kBatch || nl > kBatch || nv < 0 || nl < 0)
            throw Error("reader returned more values than a batch");
        sink(vals.get(), nv);
        if (!d.empty()) defs.insert(defs.end(), d.begin(), d.begin() + nl);
        if (!rp.empty()) reps.insert(reps.end(), rp.begin(), rp.begin() + nl);
        total += c.maxDef > 0 ? nl : nv;
        if (total > numValues)
            throw Error("column chunk holds more values than its metadata's " + Num(numValues));
    }
}

// ReadDirect reads exactly rows values of a required, unnested column.
template <typename DType>
void ReadDirect(parquet::ColumnReader* cr, int64_t rows, typename DType::c_type* out) {
    auto* r = static_cast<parquet::TypedColumnReader<DType>*>(cr);
    int64_t n = 0;
    while (n < rows && r->HasNext()) {
        int64_t nv = 0;
        r->ReadBatch(rows - n, nullptr, nullptr, out + n, &nv);
        if (nv <= 0) break;
        n += nv;
    }
    if (n != rows)
        throw Error("column chunk has " + Num(n) + " values for " + Num(rows) + " rows");
}

int64_t Values(const Block& b) {
    switch (b.type) {
    case PropType::Double: case PropType::Double3: case PropType::DoubleArray: return b.f64.size();
    case PropType::Float: case PropType::Float3: case PropType::FloatArray: case PropType::Float3Array:
        return b.f32.size();
    case PropType::Int: case PropType::IntArray: return b.i32.size();
    case PropType::Int64: return b.i64.size();
    case PropType::Bool: return b.bits.size();
    case PropType::String: case PropType::Token: return int64_t(b.off.size()) - 1;
    default: return 0;
    }
}

template <typename T>
void Spread(std::vector<T>& v, const std::vector<int64_t>& idx) {
    std::vector<T> out(idx.size());
    for (size_t i = 0; i < idx.size(); i++)
        if (idx[i] >= 0) out[i] = v[idx[i]];
    v.swap(out);
}

// SpreadNulls expands the non-null values of an optional scalar column to
// one slot per row.
void SpreadNulls(Block& b, const std::vector<int16_t>& defs, int16_t maxDef, int64_t nv) {
    int64_t present = 0;
    for (int16_t d : defs) present += d == maxDef;
    if (present != nv) throw Error("column chunk values do not match its definition levels");
    if (present == b.n) return;
    b.null.assign(b.n, 0);
    std::vector<int64_t> idx(b.n);
    int64_t j = 0;
    for (int64_t i = 0; i < b.n; i++) {
        if (defs[i] == maxDef) idx[i] = j++;
        else { idx[i] = -1; b.null[i] = 1; }
    }
    switch (b.type) {
    case PropType::Double: Spread(b.f64, idx); break;
    case PropType::Float: Spread(b.f32, idx); break;
    case PropType::Int: Spread(b.i32, idx); break;
    case PropType::Int64: Spread(b.i64, idx); break;
    case PropType::Bool: Spread(b.bits, idx); break;
    case PropType::String: case PropType::Token: {
        // Null rows are empty ranges; values keep their positions in str.
        std::vector<uint32_t> off(b.n + 1, 0);
        for (int64_t i = 0; i < b.n; i++)
            off[i + 1] = idx[i] >= 0 ? b.off[idx[i] + 1] : off[i];
        b.off.swap(off);
        break;
    }
    default: break;
    }
}

// ShapeLists turns flat list values into the block's final layout.
void ShapeLists(Block& b, std::vector<uint32_t>& off) {
    switch (b.type) {
    case PropType::Float3: case PropType::Double3: {
        for (int64_t i = 0; i < b.n; i++) {
            if (b.IsNull(i)) continue;
            if (off[i + 1] - off[i] != 3)
                throw Error("row " + Num(i) + " holds " + Num(off[i + 1] - off[i]) +
                            " components for a " + TypeName(b.type));
        }
        auto compact = [&](auto& v) {
            std::remove_reference_t<decltype(v)> out(3 * b.n);
            for (int64_t i = 0; i < b.n; i++)
                if (off[i + 1] - off[i] == 3)
                    std::memcpy(&out[3 * i], &v[off[i]], 3 * sizeof(v[0]));
            v.swap(out);
        };
        if (b.type == PropType::Float3) compact(b.f32);
        else compact(b.f64);
        break;
    }
    case PropType::Float3Array:
        if (b.f32.size() % 3 != 0) throw Error("float3[] column chunk holds a partial vector");
        b.off.swap(off);
        break;
    default:
        b.off.swap(off);
    }
}

// Assemble turns decoded leaf values plus levels into one value per row.
void Assemble(Block& b, const ColumnShape& c, const std::vector<int16_t>& defs,
              const std::vector<int16_t>& reps) {
    const int64_t nv = Values(b);
    if (c.maxRep == 0) {
        if (c.maxDef == 0) {
            if (nv != b.n)
                throw Error("column chunk has " + Num(nv) + " values for " + Num(b.n) + " rows");
            return;
        }
        if (int64_t(defs.size()) != b.n)
            throw Error("column chunk has " + Num(defs.size()) + " levels for " + Num(b.n) + " rows");
        SpreadNulls(b, defs, c.maxDef, nv);
        return;
    }
    if (defs.size() != reps.size())
        throw Error("column chunk has unequal definition and repetition levels");
    std::vector<uint32_t> off;
    off.reserve(b.n + 1);
    std::vector<uint8_t> null;
    auto markNull = [&] {
        if (null.empty()) null.assign(b.n, 0);
        null[off.size() - 1] = 1;
    };
    const int16_t d1 = c.repDefs[0], d2 = c.repDefs[1];
    int64_t leaf = 0, inner = 0, innerLen = 0;
    auto checkInner = [&] {
        if (c.maxRep == 2 && inner > 0 && innerLen != 3)
            throw Error("row " + Num(int64_t(off.size()) - 1) + " holds a vector of " + Num(innerLen) +
                        " components, not 3");
    };
    for (size_t i = 0; i < defs.size(); i++) {
        int16_t d = defs[i], r = reps[i];
        if (d < 0 || d > c.maxDef || r < 0 || r > c.maxRep) throw Error("level out of range");
        if (r == 0) {
            checkInner();
            if (int64_t(off.size()) == b.n)
                throw Error("column chunk holds more than " + Num(b.n) + " rows");
            off.push_back(uint32_t(c.maxRep == 1 ? leaf : inner));
            if (d < d1 - 1) markNull();
        } else if (off.empty()) {
            throw Error("column chunk starts inside a list");
        }
        if (d < d1) continue;
        if (c.maxRep == 2) {
            if (r <= 1) {
                checkInner();
                inner++;
                innerLen = 0;
            }
            if (d < d2) {
                if (d < d2 - 1) markNull();
                continue;
            }
        }
        if (d != c.maxDef) {
            markNull(); // a null element
            continue;
        }
        if (leaf >= nv) throw Error("column chunk has fewer values than its levels say");
        leaf++;
        innerLen++;
    }
    checkInner();
    if (int64_t(off.size()) != b.n)
        throw Error("column chunk has " + Num(off.size()) + " rows, row group has " + Num(b.n));
    if (leaf != nv) throw Error("column chunk has more values than its levels say");
    if (leaf > UINT32_MAX || inner > UINT32_MAX) throw Error("column chunk too large");
    off.push_back(uint32_t(c.maxRep == 1 ? leaf : inner));
    b.null.swap(null);
    ShapeLists(b, off);
}

int64_t SizeOf(const Block& b) {
    return int64_t(8 * b.f64.size() + 4 * b.f32.size() + 4 * b.i32.size() + 8 * b.i64.size() +
                   b.bits.size() + b.str.size() + 4 * b.off.size() + b.null.size()) + 128;
}

} // namespace

std::shared_ptr<Block> DecodeChunk(parquet::ColumnReader* cr, const ColumnShape& c, int64_t rows,
                                   int64_t numValues) {
    auto b = std::make_shared<Block>();
    b->type = c.type;
    b->n = rows;
    const parquet::Type::type pt = cr->type();
    if (c.maxDef == 0 && c.maxRep == 0) {
        // Required scalars decode straight into the block.
        switch (pt) {
        case parquet::Type::DOUBLE:
            b->f64.resize(rows);
            ReadDirect<parquet::DoubleType>(cr, rows, b->f64.data());
            break;
        case parquet::Type::FLOAT:
            b->f32.resize(rows);
            ReadDirect<parquet::FloatType>(cr, rows, b->f32.data());
            break;
        case parquet::Type::INT32:
            b->i32.resize(rows);
            ReadDirect<parquet::Int32Type>(cr, rows, b->i32.data());
            break;
        case parquet::Type::INT64:
            b->i64.resize(rows);
            ReadDirect<parquet::Int64Type>(cr, rows, b->i64.data());
            break;
        case parquet::Type::BOOLEAN: {
            std::unique_ptr<bool[]> tmp(new bool[rows]);
            ReadDirect<parquet::BooleanType>(cr, rows, tmp.get());
            b->bits.assign(tmp.get(), tmp.get() + rows);
            break;
        }
        default:
            goto general;
        }
        b->bytes = SizeOf(*b);
        return b;
    }
general:
    std::vector<int16_t> defs, reps;
    switch (pt) {
    case parquet::Type::DOUBLE:
        ReadAll<parquet::DoubleType>(cr, c, numValues,
            [&](const double* v, int64_t n) { b->f64.insert(b->f64.end(), v, v + n); }, defs, reps);
        break;
    case parquet::Type::FLOAT:
        ReadAll<parquet::FloatType>(cr, c, numValues,
            [&](const float* v, int64_t n) { b->f32.insert(b->f32.end(), v, v + n); }, defs, reps);
        break;
    case parquet::Type::INT32:
        ReadAll<parquet::Int32Type>(cr, c, numValues,
            [&](const int32_t* v, int64_t n) { b->i32.insert(b->i32.end(), v, v + n); }, defs, reps);
        break;
    case parquet::Type::INT64:
        ReadAll<parquet::Int64Type>(cr, c, numValues,
            [&](const int64_t* v, int64_t n) { b->i64.insert(b->i64.end(), v, v + n); }, defs, reps);
        break;
    case parquet::Type::BOOLEAN:
        ReadAll<parquet::BooleanType>(cr, c, numValues,
            [&](const bool* v, int64_t n) { b->bits.insert(b->bits.end(), v, v + n); }, defs, reps);
        break;
    case parquet::Type::BYTE_ARRAY:
        b->off.reserve(std::min<int64_t>(rows, 1 << 22) + 1);
        b->off.push_back(0);
        ReadAll<parquet::ByteArrayType>(cr, c, numValues,
            [&](const parquet::ByteArray* v, int64_t n) {
                for (int64_t i = 0; i < n; i++) {
                    b->str.append(reinterpret_cast<const char*>(v[i].ptr), v[i].len);
                    if (b->str.size() > UINT32_MAX) throw Error("string column chunk over 4 GiB");
                    b->off.push_back(uint32_t(b->str.size()));
                }
            }, defs, reps);
        break;
    default:
        throw Error("unsupported physical type");
    }
    Assemble(*b, c, defs, reps);
    b->bytes = SizeOf(*b);
    return b;
}

} // namespace usdparquet
