#include "scene.h"

#include "json.h"

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/exception.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>

#include <cmath>
#include <cstring>

namespace drv {

namespace {

// The scene description's key in the file's key/value metadata, and the
// column of prim paths (formats/parquet/schema.go).
constexpr const char* kSceneKey = "scenebench.scene";
constexpr const char* kPathColumn = "path";

// The hash index trailer (formats/parquet/index.go): 96 bytes ending where
// the footer begins.
constexpr const char* kTrailerMagic = "SBPQIDX1";
constexpr int64_t kTrailerSize = 96;
constexpr int64_t kEntrySize = 12;
constexpr uint32_t kMaxBucketBits = 26;
// The most time samples a property may have (formats.MaxSamples).
constexpr int64_t kMaxSamples = 1 << 16;

TypeCode CodeOf(const std::string& t) {
  static const std::unordered_map<std::string, TypeCode> codes = {
      {"double", kDouble},        {"float", kFloat},           {"int", kInt},           {"int64", kInt64},
      {"bool", kBool},            {"string", kString},         {"token", kToken},       {"float3", kFloat3},
      {"double3", kDouble3},      {"double[]", kDoubleArray},  {"float[]", kFloatArray}, {"int[]", kIntArray},
      {"float3[]", kFloat3Array},
  };
  auto it = codes.find(t);
  return it == codes.end() ? kInvalid : it->second;
}

uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t U64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Crc32 is the IEEE CRC-32 (zlib's, Go's crc32.ChecksumIEEE) that guards
// the trailer.
uint32_t Crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

// Expected Arrow shapes of each USD type (formats/parquet/schema.go,
// arrowField): scalars as themselves, vectors as fixed_size_list<3>,
// arrays as list, float3[] as list<fixed_size_list<float, 3>>.
bool Leaf(const arrow::DataType& t, arrow::Type::type want) { return t.id() == want; }

bool Fits(const arrow::DataType& t, TypeCode c) {
  using arrow::Type;
  auto fixed3 = [](const arrow::DataType& d, Type::type elem) {
    if (d.id() != Type::FIXED_SIZE_LIST) return false;
    const auto& f = static_cast<const arrow::FixedSizeListType&>(d);
    return f.list_size() == 3 && Leaf(*f.value_type(), elem);
  };
  auto list = [](const arrow::DataType& d) -> const arrow::DataType* {
    return d.id() == Type::LIST ? static_cast<const arrow::ListType&>(d).value_type().get() : nullptr;
  };
  switch (c) {
    case kDouble: return Leaf(t, Type::DOUBLE);
    case kFloat: return Leaf(t, Type::FLOAT);
    case kInt: return Leaf(t, Type::INT32);
    case kInt64: return Leaf(t, Type::INT64);
    case kBool: return Leaf(t, Type::BOOL);
    case kString:
    case kToken: return Leaf(t, Type::STRING);
    case kFloat3: return fixed3(t, Type::FLOAT);
    case kDouble3: return fixed3(t, Type::DOUBLE);
    case kDoubleArray: return list(t) && Leaf(*list(t), Type::DOUBLE);
    case kFloatArray: return list(t) && Leaf(*list(t), Type::FLOAT);
    case kIntArray: return list(t) && Leaf(*list(t), Type::INT32);
    case kFloat3Array: return list(t) && fixed3(*list(t), Type::FLOAT);
    default: return false;
  }
}

// Raw is the first value of a primitive array, its offset applied.
const void* Raw(const arrow::Array& a) {
  const auto& d = *a.data();
  if (d.buffers.size() < 2 || !d.buffers[1]) return nullptr;  // no values at all
  const auto* fw = static_cast<const arrow::FixedWidthType*>(a.type().get());
  return d.buffers[1]->data() + d.offset * (fw->bit_width() / 8);
}

}  // namespace

Scene::~Scene() = default;

std::unique_ptr<Scene> Scene::Open(const std::string& path, bool lazy, std::string* err) {
  std::unique_ptr<Scene> s(new Scene());
  s->file_ = path;
  try {
    if (!s->OpenFile(path, err) || !s->ReadScene(err)) return nullptr;
    bool hashed = false;
    if (lazy && !s->ReadTrailer(&hashed, err)) return nullptr;
    s->lazy_ = hashed;
    if (!hashed && !s->ReadPathColumn(true, err)) return nullptr;
  } catch (const std::exception& e) {  // Arrow's Parquet layer throws ParquetException
    *err = e.what();
    return nullptr;
  }
  return s;
}

bool Scene::OpenFile(const std::string& path, std::string* err) {
  auto in = arrow::io::ReadableFile::Open(path);
  if (!in.ok()) {
    *err = in.status().message();
    return false;
  }
  in_ = *in;
  auto size = in_->GetSize();
  if (!size.ok()) {
    *err = size.status().message();
    return false;
  }
  size_ = *size;
  auto r = parquet::arrow::OpenFile(in_, arrow::default_memory_pool());
  if (!r.ok()) {
    *err = "not a readable Parquet file: " + r.status().message();
    return false;
  }
  reader_ = std::move(*r);
  return true;
}

// ReadScene reads the scene description and maps each property to its
// Arrow field, checking that the field holds the declared type.
bool Scene::ReadScene(std::string* err) {
  const auto& md = *reader_->parquet_reader()->metadata();
  const auto& kv = md.key_value_metadata();
  auto sceneJSON = kv ? kv->Get(kSceneKey) : arrow::Result<std::string>(arrow::Status::KeyError(""));
  if (!sceneJSON.ok()) {
    *err = std::string("no \"") + kSceneKey + "\" metadata: not a file runner wrote";
    return false;
  }
  Json scene;
  std::string perr;
  if (!Json::Parse(*sceneJSON, &scene, &perr)) {
    *err = std::string(kSceneKey) + " metadata is not JSON: " + perr;
    return false;
  }
  const Json* props = scene.Find("properties");
  if (props && (props->kind() != Json::Array || !props->ints.empty())) {
    *err = std::string(kSceneKey) + " metadata: properties is not a list";
    return false;
  }
  std::shared_ptr<arrow::Schema> schema;
  auto st = reader_->GetSchema(&schema);
  if (!st.ok()) {
    *err = "Arrow schema: " + st.message();
    return false;
  }
  pathField_ = schema->GetFieldIndex(kPathColumn);
  if (pathField_ < 0 || schema->field(pathField_)->type()->id() != arrow::Type::STRING) {
    *err = "no string column \"path\"";
    return false;
  }
  // A name that an earlier property already has (one name, another type)
  // names its column "name#type" (formats/parquet/schema.go, columnNames).
  std::unordered_map<std::string, bool> seen;
  for (const Json& p : props ? props->items : std::vector<Json>{}) {
    Property q;
    std::string e;
    if (p.kind() != Json::Object || !GetString(p, "name", &q.name, &e, true) || !GetString(p, "type", &q.type, &e, true)) {
      *err = std::string(kSceneKey) + " metadata: property " + std::to_string(props_.size()) + ": " +
             (e.empty() ? "not an object" : e);
      return false;
    }
    std::string column = seen[q.name] ? q.name + "#" + q.type : q.name;
    seen[q.name] = true;
    q.code = CodeOf(q.type);
    q.column = column;
    q.field = schema->GetFieldIndex(column);
    if (q.field < 0) {
      *err = "property \"" + q.name + "\" (" + q.type + ") has no column";
      return false;
    }
    // Types beyond the generated ones (codes 14 and up, from users'
    // layers) are refused when read, not at open.
    const auto& ft = *schema->field(q.field)->type();
    if (q.code != kInvalid && !Fits(ft, q.code)) {
      *err = "column \"" + column + "\" is " + ft.ToString() + ", which cannot hold " + q.type;
      return false;
    }
    if (!ReadSamples(p, &q, err)) {
      *err = std::string(kSceneKey) + " metadata: property \"" + q.name + "\": " + *err;
      return false;
    }
    props_.push_back(std::move(q));
  }
  const size_t declared = props_.size();
  // The columns of the time samples, after the declared ones.
  for (size_t c = 0; c < declared; ++c) {
    const size_t n = props_[c].times.size();
    const std::string column = props_[c].column + "@" + std::to_string(n);
    if (schema->GetFieldIndex(column) >= 0) {
      *err = "column \"" + column + "\" lies beyond the " + std::to_string(n) + " time samples of \"" + props_[c].name + "\"";
      return false;
    }
    if (n == 0) continue;
    props_[c].sample0 = int(props_.size());
    for (size_t k = 0; k < n; ++k) {
      Property q;
      q.name = props_[c].name;
      q.type = props_[c].type;
      q.code = props_[c].code;
      q.column = props_[c].column + "@" + std::to_string(k);
      q.field = schema->GetFieldIndex(q.column);
      if (q.field < 0) {
        *err = "time sample " + std::to_string(k) + " of \"" + q.name + "\" has no column \"" + q.column + "\"";
        return false;
      }
      const auto& ft = *schema->field(q.field)->type();
      if (q.code != kInvalid && !Fits(ft, q.code)) {
        *err = "column \"" + q.column + "\" is " + ft.ToString() + ", which cannot hold " + q.type;
        return false;
      }
      props_.push_back(std::move(q));
    }
  }
  // byName_'s keys are views into props_, complete from here on.
  for (size_t c = 0; c < declared; ++c) byName_[props_[c].name].push_back(int(c));

  rows_ = md.num_rows();
  rowGroups_ = md.num_row_groups();
  // Runner's files hold row_group_size rows in every row group but the
  // last, so a row's group is a division; other files are searched.
  int64_t start = 0;
  bool uniform = true;
  for (int g = 0; g < rowGroups_; ++g) {
    int64_t n = md.RowGroup(g)->num_rows();
    rgStart_.push_back(start);
    if (g > 0 && (g + 1 < rowGroups_ ? n != rgStart_[1] : n > rgStart_[1])) uniform = false;
    start += n;
  }
  if (start != rows_ || rows_ > int64_t(UINT32_MAX)) {
    *err = "row groups hold " + std::to_string(start) + " rows, the footer says " + std::to_string(rows_);
    return false;
  }
  rgSize_ = uniform && rowGroups_ > 1 ? rgStart_[1] : (uniform ? std::max<int64_t>(rows_, 1) : 0);
  blocks_.resize(props_.size() * size_t(rowGroups_));
  return true;
}

// ReadSamples reads a property's "samples" ({"count", "start", "step"},
// formats.Samples) into its times, start + k*step, which must ascend.
bool Scene::ReadSamples(const Json& p, Property* q, std::string* err) {
  const Json* s = p.Find("samples");
  if (!s) return true;
  int64_t count = 0;
  if (s->kind() != Json::Object || !GetInt(*s, "count", &count, err)) {
    if (err->empty()) *err = "samples is not an object";
    return false;
  }
  double start = 0, step = 0;
  for (auto [key, out] : {std::pair{"start", &start}, std::pair{"step", &step}}) {
    const Json* v = s->Find(key);
    if (v && v->kind() != Json::Number) {
      *err = std::string("samples ") + key + " is not a number";
      return false;
    }
    if (v) *out = v->number;
  }
  if (count < 0 || count > kMaxSamples) {
    *err = std::to_string(count) + " time samples: the count must be from 0 to " + std::to_string(kMaxSamples);
    return false;
  }
  q->times.resize(size_t(count));
  for (int64_t k = 0; k < count; ++k) {
    // formats.Samples.Time: Start + float64(k)*Step, in double.
    q->times[size_t(k)] = start + double(k) * step;
    if (k > 0 && !(q->times[size_t(k)] > q->times[size_t(k) - 1])) {
      *err = "time samples do not ascend (start " + std::to_string(start) + ", step " + std::to_string(step) + ")";
      return false;
    }
  }
  if (count > 0 && !std::isfinite(q->times.back())) {
    *err = "time samples are not finite";
    return false;
  }
  return true;
}

// ReadPathColumn reads the path column whole; index builds the map from
// path to row as well.
bool Scene::ReadPathColumn(bool index, std::string* err) {
  std::shared_ptr<arrow::ChunkedArray> col;
  auto st = reader_->ReadColumn(pathField_, &col);
  if (!st.ok()) {
    *err = "path column: " + st.message();
    return false;
  }
  if (col->length() != rows_) {
    *err = "path column holds " + std::to_string(col->length()) + " rows of " + std::to_string(rows_);
    return false;
  }
  pathChunks_ = col->chunks();
  paths_.clear();
  paths_.reserve(size_t(rows_));
  if (index) index_.reserve(size_t(rows_));
  for (const auto& chunk : pathChunks_) {
    const auto& a = static_cast<const arrow::StringArray&>(*chunk);
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        *err = "row " + std::to_string(paths_.size()) + " has no path";
        return false;
      }
      std::string_view p = a.GetView(i);
      if (index && !index_.emplace(p, uint32_t(paths_.size())).second) {
        *err = "prim " + std::string(p) + " is stored twice (rows " + std::to_string(index_[p]) + " and " +
               std::to_string(paths_.size()) + ")";
        return false;
      }
      paths_.push_back(p);
    }
  }
  return true;
}

bool Scene::ListPaths(std::string* err) {
  if (!paths_.empty() || rows_ == 0) return true;
  bool ok;
  try {
    ok = ReadPathColumn(false, err);
  } catch (const std::exception& e) {
    *err = e.what();
    ok = false;
  }
  if (!ok) *err = file_ + ": " + *err;
  return ok;
}

bool Scene::ReadAt(int64_t off, int64_t n, void* dst, std::string* err) {
  auto r = in_->ReadAt(off, n, dst);
  if (!r.ok()) {
    *err = r.status().message();
    return false;
  }
  if (*r != n) {
    *err = "short read at " + std::to_string(off);
    return false;
  }
  return true;
}

// ReadTrailer finds the hash index trailer before the footer; a file
// without one leaves *found false.
bool Scene::ReadTrailer(bool* found, std::string* err) {
  *found = false;
  uint8_t tail[8];
  if (size_ < 12 || !ReadAt(size_ - 8, 8, tail, err)) return err->empty();
  int64_t footerStart = size_ - 8 - int64_t(U32(tail));
  if (footerStart < 4 + kTrailerSize) return true;
  uint8_t t[kTrailerSize];
  if (!ReadAt(footerStart - kTrailerSize, kTrailerSize, t, err)) return false;
  if (std::memcmp(t, kTrailerMagic, 8) != 0) return true;
  if (Crc32(t, 88) != U32(t + 88)) {
    *err = "prim index trailer is corrupt (checksum mismatch)";
    return false;
  }
  uint64_t prims = U64(t + 8);
  uint32_t bits = U32(t + 28);
  fanoutOff_ = U64(t + 48);
  entriesOff_ = U64(t + 56);
  const uint64_t end = uint64_t(footerStart - kTrailerSize);
  if (prims != uint64_t(rows_) || bits > kMaxBucketBits || fanoutOff_ > end ||
      ((uint64_t(1) << bits) + 1) * 4 > end - fanoutOff_ || entriesOff_ > end ||
      prims * kEntrySize > end - entriesOff_) {
    *err = "prim index trailer is inconsistent with the file";
    return false;
  }
  bucketBits_ = bits;
  *found = true;
  return true;
}

bool Scene::FindRow(std::string_view path, int64_t* row, std::string* err) {
  if (findRow(path, row, err)) return true;
  *err = file_ + ": " + *err;
  return false;
}

bool Scene::findRow(std::string_view path, int64_t* row, std::string* err) {
  *row = -1;
  if (!lazy_) {
    auto it = index_.find(path);
    if (it != index_.end()) *row = it->second;
    return true;
  }
  const uint64_t h = XXH64(path.data(), path.size(), 0);
  const uint32_t b = bucketBits_ == 0 ? 0 : uint32_t(h >> (64 - bucketBits_));
  auto it = buckets_.find(b);
  if (it == buckets_.end()) {
    uint8_t fan[8];
    if (!ReadAt(int64_t(fanoutOff_ + 4 * uint64_t(b)), 8, fan, err)) return false;
    const uint32_t lo = U32(fan), hi = U32(fan + 4);
    if (lo > hi || hi > uint64_t(rows_)) {
      *err = "prim index bucket " + std::to_string(b) + " is out of range";
      return false;
    }
    std::vector<uint8_t> raw(size_t(hi - lo) * kEntrySize);
    if (!raw.empty() && !ReadAt(int64_t(entriesOff_ + kEntrySize * lo), int64_t(raw.size()), raw.data(), err))
      return false;
    Bucket bk;
    bk.hashes.resize(hi - lo);
    bk.rows.resize(hi - lo);
    for (size_t i = 0; i < bk.hashes.size(); ++i) {
      bk.hashes[i] = U64(&raw[i * kEntrySize]);
      bk.rows[i] = U32(&raw[i * kEntrySize + 8]);
      if (bk.rows[i] >= uint64_t(rows_) || (i > 0 && bk.hashes[i] <= bk.hashes[i - 1])) {
        *err = "prim index bucket " + std::to_string(b) + " is corrupt";
        return false;
      }
    }
    it = buckets_.emplace(b, std::move(bk)).first;
  }
  const auto& hs = it->second.hashes;
  auto pos = std::lower_bound(hs.begin(), hs.end(), h);
  if (pos != hs.end() && *pos == h) *row = it->second.rows[size_t(pos - hs.begin())];
  return true;
}

// Load reads one column chunk into an Arrow array and resolves what a read
// needs from it.
bool Scene::Load(int c, int64_t g, Block* b, std::string* err) {
  if (load(c, g, b, err)) return true;
  *err = file_ + ": " + *err;
  return false;
}

bool Scene::load(int c, int64_t g, Block* b, std::string* err) {
  const Property& p = props_[c];
  if (p.code == kInvalid) {
    *err = "property \"" + p.name + "\" is " + p.type + ", a type this driver does not read (codes 1 to 13 only)";
    return false;
  }
  std::shared_ptr<arrow::ChunkedArray> col;
  arrow::Status st;
  try {
    st = reader_->RowGroup(int(g))->Column(p.field)->Read(&col);
  } catch (const std::exception& e) {
    st = arrow::Status::IOError(e.what());
  }
  if (!st.ok()) {
    *err = "column \"" + p.column + "\" row group " + std::to_string(g) + ": " + st.message();
    return false;
  }
  std::shared_ptr<arrow::Array> a;
  if (col->num_chunks() == 1) {
    a = col->chunk(0);
  } else {
    auto r = arrow::Concatenate(col->chunks());
    if (!r.ok()) {
      *err = "column \"" + p.column + "\": " + r.status().message();
      return false;
    }
    a = *r;
  }
  const int64_t want = (g + 1 < rowGroups_ ? rgStart_[size_t(g) + 1] : rows_) - rgStart_[size_t(g)];
  if (a->length() != want || !Fits(*a->type(), p.code)) {
    *err = "column \"" + p.column + "\" row group " + std::to_string(g) + " reads as " +
           std::to_string(a->length()) + " x " + a->type()->ToString() + ", not " + std::to_string(want) + " x " + p.type;
    return false;
  }
  Block nb;
  nb.nullable = a->null_count() > 0;
  switch (p.code) {
    case kDouble:
    case kFloat:
    case kInt:
    case kInt64: nb.values = Raw(*a); break;
    case kBool: nb.bools = static_cast<const arrow::BooleanArray*>(a.get()); break;
    case kString:
    case kToken: nb.strings = static_cast<const arrow::StringArray*>(a.get()); break;
    case kFloat3:
    case kDouble3:
      nb.fixed = static_cast<const arrow::FixedSizeListArray*>(a.get());
      nb.values = Raw(*nb.fixed->values());  // indexed by value_offset
      break;
    case kDoubleArray:
    case kFloatArray:
    case kIntArray: {
      const auto* l = static_cast<const arrow::ListArray*>(a.get());
      nb.offsets = l->raw_value_offsets();
      nb.values = Raw(*l->values());
      break;
    }
    case kFloat3Array: {
      const auto* l = static_cast<const arrow::ListArray*>(a.get());
      nb.offsets = l->raw_value_offsets();
      nb.fixed = static_cast<const arrow::FixedSizeListArray*>(l->values().get());
      nb.values = Raw(*nb.fixed->values());
      break;
    }
    default: break;
  }
  nb.array = std::move(a);
  *b = std::move(nb);
  return true;
}

bool Scene::Block::Get(int64_t i, TypeCode t, Value* v) const {
  v->type = t;
  if (nullable && array->IsNull(i)) {
    v->has = false;
    return true;
  }
  v->has = true;
  switch (t) {
    case kDouble: v->f64 = static_cast<const double*>(values)[i]; break;
    case kFloat: v->f32 = static_cast<const float*>(values)[i]; break;
    case kInt: v->i32 = static_cast<const int32_t*>(values)[i]; break;
    case kInt64: v->i64 = static_cast<const int64_t*>(values)[i]; break;
    case kBool: v->b = bools->Value(i) ? 1 : 0; break;
    case kString:
    case kToken: {
      std::string_view s = strings->GetView(i);
      v->data = s.data();
      v->len = int64_t(s.size());
      break;
    }
    case kFloat3: std::memcpy(v->f3, static_cast<const float*>(values) + fixed->value_offset(i), 3 * sizeof(float)); break;
    case kDouble3: std::memcpy(v->d3, static_cast<const double*>(values) + fixed->value_offset(i), 3 * sizeof(double)); break;
    case kDoubleArray:
      v->data = static_cast<const double*>(values) + offsets[i];
      v->len = offsets[i + 1] - offsets[i];
      break;
    case kFloatArray:
      v->data = static_cast<const float*>(values) + offsets[i];
      v->len = offsets[i + 1] - offsets[i];
      break;
    case kIntArray:
      v->data = static_cast<const int32_t*>(values) + offsets[i];
      v->len = offsets[i + 1] - offsets[i];
      break;
    case kFloat3Array:
      v->len = offsets[i + 1] - offsets[i];
      v->data = static_cast<const float*>(values) + (v->len ? fixed->value_offset(offsets[i]) : 0);
      break;
    default: return false;
  }
  return true;
}

}  // namespace drv
