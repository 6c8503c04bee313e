// A Scene is one of runner's Parquet files (formats/parquet) opened with
// Arrow C++'s Parquet reader the way an Arrow user would read it: a
// parquet::arrow::FileReader on the file, the scene description from the
// key/value metadata, and each property's values read one column chunk of
// one row group at a time (RowGroup(g)->Column(f)->Read) into an Arrow
// array that is kept for later reads.
//
// Prims are found as the file's index option says. Eager: the open reads
// the whole path column (ReadColumn) and maps every path to its row, as the
// OpenUSD Parquet plugin does. Lazy: the open parses the footer (Arrow's
// reader has no partial footer) and the trailer of the hash index that
// runner writes before it (formats/parquet/index.go); a lookup hashes the
// path with XXH64 and reads that one bucket of the index, kept afterwards.
#pragma once

#include "digest.h"

#include <arrow/array/array_base.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace arrow {
class Array;
class BooleanArray;
class StringArray;
class FixedSizeListArray;
class ListArray;
namespace io {
class RandomAccessFile;
}
}  // namespace arrow
namespace parquet::arrow {
class FileReader;
}

namespace drv {

class Json;

// Value is one property value as read: a scalar copied out, strings and
// arrays as views into the Arrow arrays the scene keeps.
struct Value {
  TypeCode type = kInvalid;
  bool has = false;  // false: the prim holds no value (a null)
  union {
    double f64;
    float f32;
    int32_t i32;
    int64_t i64;
    uint8_t b;
    float f3[3];
    double d3[3];
  };
  const void* data = nullptr;  // strings: bytes; arrays: the elements
  int64_t len = 0;             // strings: bytes; arrays: elements (float3[]: vectors)

  Value() : d3{0, 0, 0} {}
};

// Property is one column of the file: a property name and its USD type.
// An animated property (the scene metadata's "samples") also has a column
// per time sample, "<column>@<k>" (formats/parquet/schema.go), kept as
// further Property entries of the same name and type after the declared
// ones.
struct Property {
  std::string name, type;  // as the scene metadata names them ("float3[]")
  std::string column;      // the stored column's name
  TypeCode code = kInvalid;
  int field = -1;  // the Arrow schema's top-level field
  // times lists the sample times, start + k*step (empty: not animated);
  // sample k is column sample0 + k.
  std::vector<double> times;
  int sample0 = -1;
};

class Scene {
 public:
  // Open opens path; lazy selects the hash index (a file without one is
  // read eagerly). On failure it returns null and err says why.
  static std::unique_ptr<Scene> Open(const std::string& path, bool lazy, std::string* err);
  ~Scene();

  const std::string& File() const { return file_; }
  int64_t Rows() const { return rows_; }
  const Property& Prop(int c) const { return props_[c]; }

  // FindRow sets *row to the row of the prim at path, or -1 when the file
  // has no such prim; false with err when the index cannot be read.
  bool FindRow(std::string_view path, int64_t* row, std::string* err);

  // Columns lists the columns of a property name (one per type the name
  // has), or null when no prim has it.
  const std::vector<int>* Columns(std::string_view name) const {
    auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : &it->second;
  }

  // Read loads column c of row into v; false with err when the column
  // chunk cannot be read or holds something other than its declared type.
  bool Read(int c, int64_t row, Value* v, std::string* err) {
    int64_t g, i;
    Locate(row, &g, &i);
    Block& b = blocks_[size_t(c) * size_t(rowGroups_) + size_t(g)];
    if (!b.array && !Load(c, g, &b, err)) return false;
    return b.Get(i, props_[c].code, v);
  }

  // Times lists column c's sample times, ascending (empty: none).
  const std::vector<double>& Times(int c) const { return props_[c].times; }

  // ReadSample loads sample k of column c (0 <= k < Times(c).size()) of
  // row into v, as Read; a null there (v->has false) is a blocked sample.
  bool ReadSample(int c, size_t k, int64_t row, Value* v, std::string* err) {
    return Read(props_[c].sample0 + int(k), row, v, err);
  }

  // Scan reads column c of every row in order, one column chunk after
  // the other, calling fn(row, value) for each; false with err when a
  // chunk cannot be read.
  template <typename F>
  bool Scan(int c, Value* v, std::string* err, F fn) {
    int64_t row = 0;
    for (int64_t g = 0; g < rowGroups_; ++g) {
      Block& b = blocks_[size_t(c) * size_t(rowGroups_) + size_t(g)];
      if (!b.array && !Load(c, g, &b, err)) return false;
      const int64_t n = b.array->length();
      for (int64_t i = 0; i < n; ++i, ++row) {
        if (!b.Get(i, props_[c].code, v)) return false;
        fn(row, *v);
      }
    }
    return true;
  }

  // ListPaths makes every row's path available through Path: already done
  // by an eager open; a lazy one reads the path column here.
  bool ListPaths(std::string* err);
  std::string_view Path(int64_t row) const { return paths_[size_t(row)]; }

 private:
  Scene() = default;

  // Block is one column chunk decoded into an Arrow array, with the
  // pointers a read needs resolved once.
  struct Block {
    std::shared_ptr<arrow::Array> array;
    const void* values = nullptr;    // scalars, and the elements of vectors and lists
    const int32_t* offsets = nullptr;  // lists: row -> first element (array offset applied)
    const arrow::BooleanArray* bools = nullptr;
    const arrow::StringArray* strings = nullptr;
    const arrow::FixedSizeListArray* fixed = nullptr;  // float3, double3; float3[]'s elements
    bool nullable = false;

    bool Get(int64_t i, TypeCode t, Value* v) const;
  };

  bool OpenFile(const std::string& path, std::string* err);
  bool ReadScene(std::string* err);
  bool ReadSamples(const Json& p, Property* q, std::string* err);
  bool ReadPathColumn(bool index, std::string* err);
  bool ReadTrailer(bool* found, std::string* err);
  // Load and FindRow's failures name the file; load and findRow do the work.
  bool Load(int c, int64_t g, Block* b, std::string* err);
  bool load(int c, int64_t g, Block* b, std::string* err);
  bool findRow(std::string_view path, int64_t* row, std::string* err);
  bool ReadAt(int64_t off, int64_t n, void* dst, std::string* err);
  void Locate(int64_t row, int64_t* g, int64_t* i) const {
    if (rgSize_ > 0) {
      *g = row / rgSize_;
      *i = row % rgSize_;
      return;
    }
    size_t k = size_t(std::upper_bound(rgStart_.begin(), rgStart_.end(), row) - rgStart_.begin()) - 1;
    *g = int64_t(k);
    *i = row - rgStart_[k];
  }

  std::string file_;
  std::shared_ptr<arrow::io::RandomAccessFile> in_;
  std::unique_ptr<parquet::arrow::FileReader> reader_;
  int64_t size_ = 0, rows_ = 0, rowGroups_ = 0;
  int64_t rgSize_ = 0;             // rows of every row group but the last; 0: not uniform
  std::vector<int64_t> rgStart_;   // first row of each row group
  int pathField_ = -1;
  std::vector<Property> props_;
  std::unordered_map<std::string_view, std::vector<int>> byName_;  // keys in props_
  std::vector<Block> blocks_;      // column x row group

  // Paths: the path column's arrays, each row's view into them, and (eager)
  // the map from path to row.
  std::vector<std::shared_ptr<arrow::Array>> pathChunks_;
  std::vector<std::string_view> paths_;
  std::unordered_map<std::string_view, uint32_t> index_;

  // The lazy hash index (formats/parquet/index.go).
  struct Bucket {
    std::vector<uint64_t> hashes;
    std::vector<uint32_t> rows;
  };
  bool lazy_ = false;
  uint32_t bucketBits_ = 0;
  uint64_t fanoutOff_ = 0, entriesOff_ = 0;
  std::unordered_map<uint32_t, Bucket> buckets_;
};

}  // namespace drv
