// The Parquet side of the plugin, free of Sdf: a Scene opens one of runner's
// Parquet files (formats/parquet), finds prims through an eager path map or
// the lazy hash index stored in the file, and decodes column chunks on
// demand into a block cache kept per (column, row group).
#pragma once

#include "thrift.h"

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parquet {
class ColumnDescriptor;
class FileMetaData;
} // namespace parquet

namespace usdparquet {

// Error is what every failure in this library throws: a sentence for the
// user, to which the caller adds the file's name.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The USD value types runner writes, named as USD names them.
enum class PropType : uint8_t {
    Invalid, Double, Float, Int, Int64, Bool, String, Token, Float3, Double3,
    DoubleArray, FloatArray, IntArray, Float3Array,
};
const char* TypeName(PropType t);
PropType ParseTypeName(std::string_view s);

// Samples are the regularly spaced times of an animated property: Count
// samples at Start + k*Step (formats.Samples of runner).
struct Samples {
    int count = 0;
    double start = 0, step = 0;
    double Time(int k) const { return start + double(k) * step; }
};

// The most time samples a property may have (formats.MaxSamples).
constexpr int kMaxSamples = 1 << 16;

struct Property {
    std::string name;
    PropType type = PropType::Invalid;
    Samples samples; // count 0: not animated
};

// A file to read from at any offset, from any thread.
class ByteSource {
public:
    virtual ~ByteSource();
    virtual int64_t Size() const = 0;
    // ReadAt fills [dst, dst+n) from offset off or throws Error.
    virtual void ReadAt(int64_t off, int64_t n, void* dst) const = 0;
};

struct Options {
    bool lazy = false;       // index=lazy
    int64_t cacheBudget = 0; // cache_budget: bytes of decoded blocks; 0 = unlimited
    bool deferIndex = false; // eager, but the path column is read on first need
    // Checks a prim name holding non-ASCII bytes (ASCII names must be
    // identifiers: [A-Za-z_][A-Za-z0-9_]*). Unset: such names are refused.
    bool (*validUnicodeName)(std::string_view name) = nullptr;
};

// How a property's values are stored: its leaf column's levels and shape.
struct ColumnShape {
    PropType type = PropType::Invalid;  // the declared USD type
    PropType shape = PropType::Invalid; // what the file stores (float3 is a float[] of 3)
    int16_t maxDef = 0, maxRep = 0;
    int16_t repDefs[2] = {0, 0}; // definition level reached at the 1st and 2nd repeated node
};

// Block holds one property's values for one row group, decoded once.
struct Block {
    PropType type = PropType::Invalid;
    int64_t n = 0; // rows
    std::vector<double> f64;   // double; double3 (3 per row); double[] elements
    std::vector<float> f32;    // float; float3 (3 per row); float[], float3[] elements
    std::vector<int32_t> i32;  // int; int[] elements
    std::vector<int64_t> i64;
    std::vector<uint8_t> bits; // bool
    std::string str;           // strings, concatenated
    // strings: byte offsets into str; arrays: element offsets (vectors for
    // float3[]); n+1 entries.
    std::vector<uint32_t> off;
    std::vector<uint8_t> null; // rows holding a null (files from other writers)
    int64_t bytes = 0;         // decoded size, for the cache budget

    bool IsNull(int64_t i) const { return !null.empty() && null[i]; }
    std::string_view StringAt(int64_t i) const {
        return std::string_view(str).substr(off[i], off[i + 1] - off[i]);
    }
};

// The prim hierarchy implied by the row paths: every row path and every
// ancestor of one is a node. Node 0 is the pseudo-root "/".
class Hierarchy {
public:
    struct Node {
        uint32_t off = 0, len = 0; // the node's path: arena[off, off+len)
        uint32_t nameOff = 0;      // where its last element starts within it
        int32_t row = -1;          // the row holding its values, or -1
        int32_t parent = -1, firstChild = -1, lastChild = -1, next = -1;
        uint32_t numChildren = 0;
    };

    std::string_view Path(int32_t n) const {
        return n == 0 ? std::string_view("/") : std::string_view(arena).substr(nodes[n].off, nodes[n].len);
    }
    std::string_view Name(int32_t n) const {
        const Node& x = nodes[n];
        return std::string_view(arena).substr(x.off + x.nameOff, x.len - x.nameOff);
    }
    // Find returns the node of a path, or -1.
    int32_t Find(std::string_view path) const;

    std::string arena; // the row paths, concatenated
    std::vector<Node> nodes;

private:
    friend class Scene;
    int32_t Insert(std::string_view path, uint64_t h, int32_t node); // -1 if new, else the existing node
    void Grow();
    std::vector<uint32_t> _slots; // node index + 1; 0 = empty
    std::vector<uint64_t> _hashes;
    uint64_t _mask = 0;
};

class Scene {
public:
    // Open reads what an open needs (see the Options) or throws Error.
    static std::unique_ptr<Scene> Open(std::shared_ptr<ByteSource> src, const Options& opts);
    ~Scene();

    const std::vector<Property>& Properties() const { return _props; }
    int FindColumn(std::string_view name) const; // property index, or -1

    // Time samples (the wide layout: property p's sample k is the column
    // named "p@k"). Times lists property c's sample times, ascending (empty
    // when it has none); SampleColumn is the column of its sample k, to
    // pass to GetBlock; AllTimes is the union of every property's times.
    const std::vector<double>& Times(int c) const { return _times[c]; }
    int SampleColumn(int c, int k) const { return _firstSample[c] + k; }
    const std::vector<double>& AllTimes() const { return _allTimes; }
    int64_t Rows() const { return _rows; }
    int64_t RowGroups() const { return _nrg; }
    // UsesHashIndex: prims are found through the file's hash index (a lazy
    // open of a file that has one).
    bool UsesHashIndex() const { return _useHash; }
    const std::string& SceneJSON() const { return _sceneJSON; }

    // FindRow returns the row of the prim at path, or -1. Lazy: through the
    // file's hash index; otherwise through the hierarchy.
    int64_t FindRow(std::string_view path) const;

    // GetHierarchy builds the hierarchy on first use (reading the path
    // column) and returns it.
    const Hierarchy& GetHierarchy() const;
    bool HierarchyReady() const { return _hierReady.load(std::memory_order_acquire); }

    // BlockRef is a block that stays valid while the reference lives.
    // Without a cache budget blocks are never evicted and live as long as
    // the scene, so a reference is a bare pointer; with one, it holds a
    // share of the block, which an eviction may drop from the cache.
    class BlockRef {
    public:
        const Block* get() const { return _p; }
        const Block& operator*() const { return *_p; }
        const Block* operator->() const { return _p; }

    private:
        friend class Scene;
        const Block* _p = nullptr;
        std::shared_ptr<const Block> _hold;
    };
    // GetBlock returns the decoded values of column c (a property, or a
    // SampleColumn) in row group g, loading them on first use. Without a budget, a thread that
    // asks again for a block it had (per column) takes no lock.
    BlockRef GetBlock(int c, int64_t g) const;
    // Locate maps a row to its row group and the row within it.
    void Locate(int64_t row, int64_t* g, int64_t* i) const;

    struct CacheStats { int64_t bytes = 0, blocks = 0, loads = 0, evictions = 0; };
    CacheStats Stats() const;

private:
    Scene();
    struct Column {
        Property prop;
        int leaf = -1;
        const parquet::ColumnDescriptor* descr = nullptr;
        ColumnShape shape;
    };
    struct Trailer {
        uint64_t prims = 0, rowGroupSize = 0;
        uint32_t rowGroups = 0, bucketBits = 0;
        uint64_t sceneOff = 0, sceneLen = 0, fanoutOff = 0, entriesOff = 0, spansOff = 0;
        uint64_t prefixLen = 0, prefixLastField = 0;
    };
    struct Bucket {
        std::vector<uint64_t> hashes;
        std::vector<uint32_t> rows;
    };

    void OpenFooter(bool lazy);
    bool ReadTrailer(int64_t footerLen);
    void OpenLazy();
    void OpenEager(const std::vector<uint8_t>& footer);
    void ParseScene(const std::string& json, std::vector<Property>* props, int64_t* prims);
    void MapColumns(const std::vector<Property>& declared);
    Column Shape(int leaf) const;
    int64_t DataEnd() const;
    int64_t RowsIn(int64_t g) const;
    ChunkInfo Chunk(int64_t g, int leaf) const;
    std::shared_ptr<const RowGroupInfo> LazyRowGroup(int64_t g) const;
    std::shared_ptr<const Bucket> LoadBucket(uint32_t b) const;
    std::shared_ptr<Block> Decode(const Column& c, int64_t g) const;
    void BuildHierarchy() const;

    BlockRef GetBlockLocked(int c, int64_t g, uint64_t key) const;

    const uint64_t _id; // tells scenes apart in the per-thread block slots
    std::shared_ptr<ByteSource> _src;
    Options _opts;
    int64_t _size = 0, _footerStart = 0;
    std::string _sceneJSON;
    std::shared_ptr<parquet::FileMetaData> _md; // eager: whole footer; lazy: schema only
    std::vector<Property> _props;
    std::vector<Column> _cols; // the properties' columns, then their sample columns
    std::vector<std::vector<double>> _times; // per property
    std::vector<int> _firstSample;           // per property: index in _cols of its sample 0
    std::vector<double> _allTimes;
    Column _pathCol;
    int64_t _rows = 0, _nrg = 0, _rgSize = 0;
    std::vector<int64_t> _rgStart; // eager: row group starts (+ total)
    Trailer _trailer;
    bool _useHash = false;

    // lazy index state
    mutable std::mutex _idxMu;
    mutable std::unordered_map<uint32_t, std::shared_ptr<const Bucket>> _buckets;
    mutable std::unordered_map<int64_t, std::shared_ptr<const RowGroupInfo>> _rgInfo;

    // hierarchy, built once
    mutable std::mutex _hierMu;
    mutable std::atomic<bool> _hierReady{false};
    mutable std::unique_ptr<Hierarchy> _hier;
    mutable std::string _hierErr;

    // block cache: LRU within the byte budget
    struct Entry {
        std::shared_ptr<const Block> block;
        std::list<uint64_t>::iterator pos;
    };
    mutable std::mutex _cacheMu;
    mutable std::unordered_map<uint64_t, Entry> _cache;
    mutable std::list<uint64_t> _lru; // most recent first (only with a budget)
    mutable int64_t _used = 0, _loads = 0, _evictions = 0;
    mutable std::mutex _loadMu[16]; // one load of a block at a time
};

} // namespace usdparquet
