#include "thrift.h"
#include "scene.h"

namespace usdparquet {
namespace {

enum : int {
    T_STOP = 0, T_TRUE = 1, T_FALSE = 2, T_BYTE = 3, T_I16 = 4, T_I32 = 5, T_I64 = 6,
    T_DOUBLE = 7, T_BINARY = 8, T_LIST = 9, T_SET = 10, T_MAP = 11, T_STRUCT = 12,
};

constexpr int kMaxDepth = 32;

class Decoder {
public:
    Decoder(const uint8_t* p, size_t n) : _p(p), _end(p + n) {}

    bool AtEnd() const { return _p == _end; }

    uint8_t Byte() {
        if (_p >= _end) Fail("truncated");
        return *_p++;
    }
    uint64_t Varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = Byte();
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        Fail("varint too long");
    }
    int64_t Zigzag() {
        uint64_t v = Varint();
        return int64_t(v >> 1) ^ -int64_t(v & 1);
    }
    void SkipBytes(uint64_t n) {
        if (n > uint64_t(_end - _p)) Fail("truncated");
        _p += n;
    }

    // Field header: returns false at STOP.
    bool Field(int16_t& lastId, int16_t& id, int& type) {
        uint8_t b = Byte();
        type = b & 0x0f;
        if (type == T_STOP) return false;
        int delta = b >> 4;
        if (delta) {
            id = int16_t(lastId + delta);
        } else {
            int64_t v = Zigzag();
            if (v < INT16_MIN || v > INT16_MAX) Fail("field id out of range");
            id = int16_t(v);
        }
        lastId = id;
        return true;
    }
    // List header: element type and count.
    void List(int& elemType, uint64_t& count) {
        uint8_t b = Byte();
        elemType = b & 0x0f;
        count = b >> 4;
        if (count == 15) count = Varint();
        // every element takes at least one byte
        if (count > uint64_t(_end - _p) && !(count == 0)) Fail("list longer than its bytes");
    }

    int64_t I64(int type) {
        if (type != T_I64 && type != T_I32 && type != T_I16 && type != T_BYTE) Fail("expected an integer");
        if (type == T_BYTE) return int8_t(Byte());
        return Zigzag();
    }
    int32_t I32(int type) {
        int64_t v = I64(type);
        if (v < INT32_MIN || v > INT32_MAX) Fail("i32 out of range");
        return int32_t(v);
    }

    void Skip(int type, int depth = 0) {
        if (depth > kMaxDepth) Fail("nested too deeply");
        switch (type) {
        case T_TRUE: case T_FALSE: return;
        case T_BYTE: Byte(); return;
        case T_I16: case T_I32: case T_I64: Varint(); return;
        case T_DOUBLE: SkipBytes(8); return;
        case T_BINARY: SkipBytes(Varint()); return;
        case T_LIST: case T_SET: {
            int et; uint64_t n;
            List(et, n);
            for (uint64_t i = 0; i < n; i++) {
                if (et == T_TRUE || et == T_FALSE) Byte();  // bools in lists take a byte
                else Skip(et, depth + 1);
            }
            return;
        }
        case T_MAP: {
            uint64_t n = Varint();
            if (n == 0) return;
            if (n > uint64_t(_end - _p)) Fail("map longer than its bytes");
            uint8_t kv = Byte();
            for (uint64_t i = 0; i < n; i++) {
                Skip(kv >> 4, depth + 1);
                Skip(kv & 0x0f, depth + 1);
            }
            return;
        }
        case T_STRUCT: {
            int16_t last = 0, id; int t;
            while (Field(last, id, t)) {
                if (t == T_TRUE || t == T_FALSE) continue;
                Skip(t, depth + 1);
            }
            return;
        }
        default:
            Fail("unknown type " + std::to_string(type));
        }
    }

    [[noreturn]] void Fail(const std::string& what) {
        throw Error("row group metadata is malformed (" + what + ")");
    }

private:
    const uint8_t* _p;
    const uint8_t* _end;
};

ChunkInfo DecodeColumnMetaData(Decoder& d) {
    ChunkInfo c;
    bool haveType = false, haveCodec = false, haveNum = false, haveComp = false, haveData = false;
    int16_t last = 0, id; int t;
    while (d.Field(last, id, t)) {
        switch (id) {
        case 1: c.physicalType = d.I32(t); haveType = true; break;
        case 4: c.codec = d.I32(t); haveCodec = true; break;
        case 5: c.numValues = d.I64(t); haveNum = true; break;
        case 6: c.totalUncompressed = d.I64(t); break;
        case 7: c.totalCompressed = d.I64(t); haveComp = true; break;
        case 9: c.dataPageOffset = d.I64(t); haveData = true; break;
        case 11: c.dictionaryPageOffset = d.I64(t); break;
        default:
            if (t != T_TRUE && t != T_FALSE) d.Skip(t, 1);
        }
    }
    if (!haveType || !haveCodec || !haveNum || !haveComp || !haveData)
        d.Fail("a column chunk lacks a required field");
    return c;
}

ChunkInfo DecodeColumnChunk(Decoder& d) {
    ChunkInfo c;
    bool haveMeta = false;
    int16_t last = 0, id; int t;
    while (d.Field(last, id, t)) {
        if (id == 1 && t == T_BINARY) {
            throw Error("a column chunk lives in another file, which this reader does not support");
        } else if (id == 3 && t == T_STRUCT) {
            c = DecodeColumnMetaData(d);
            haveMeta = true;
        } else if (t != T_TRUE && t != T_FALSE) {
            d.Skip(t, 1);
        }
    }
    if (!haveMeta) d.Fail("a column chunk has no metadata (encrypted?)");
    return c;
}

} // namespace

RowGroupInfo DecodeRowGroup(const uint8_t* data, size_t size) {
    Decoder d(data, size);
    RowGroupInfo rg;
    bool haveCols = false, haveRows = false;
    int16_t last = 0, id; int t;
    while (d.Field(last, id, t)) {
        if (id == 1 && t == T_LIST) {
            int et; uint64_t n;
            d.List(et, n);
            if (et != T_STRUCT) d.Fail("columns is not a list of structs");
            rg.columns.reserve(n);
            for (uint64_t i = 0; i < n; i++) rg.columns.push_back(DecodeColumnChunk(d));
            haveCols = true;
        } else if (id == 3) {
            rg.numRows = d.I64(t);
            haveRows = true;
        } else if (t != T_TRUE && t != T_FALSE) {
            d.Skip(t, 1);
        }
    }
    if (!haveCols || !haveRows) d.Fail("no columns or num_rows");
    if (!d.AtEnd()) d.Fail("trailing bytes");
    return rg;
}

} // namespace usdparquet
