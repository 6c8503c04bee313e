#include "steps.h"

#include "timed.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace drv {

using Clock = std::chrono::steady_clock;

static int64_t since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

// clockOverhead is the smallest observed cost of reading steady_clock twice
// around nothing, in nanoseconds.
static int64_t clockOverhead() {
  int64_t best = INT64_MAX;
  for (int i = 0; i < 2000; ++i) {
    auto t0 = Clock::now();
    best = std::min(best, since(t0));
  }
  return best;
}

// ---- wire ----

void Wire::Send(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  if (std::fflush(stdout) != 0) std::_Exit(1);  // runner closed our stdout
}

static bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

bool Wire::Next(std::string* line) {
  if (hasPending_) {
    hasPending_ = false;
    *line = std::move(pending_);
    return true;
  }
  while (std::getline(std::cin, *line))
    if (!blank(*line)) return true;
  return false;
}

bool Wire::AwaitGo(std::string* err) {
  std::string line;
  if (!Next(&line)) {
    std::fprintf(stderr, "arrow-cpp: input ended while waiting for go: runner went away\n");
    std::fflush(stdout);
    std::_Exit(1);
  }
  Json req;
  std::string type, perr;
  if (Json::Parse(line, &req, &perr) && req.kind() == Json::Object && GetString(req, "type", &type, &perr) &&
      type == "go")
    return true;
  *err = "expected go, got " + (type.empty() ? Clip(line, 80) : "\"" + type + "\"");
  pending_ = std::move(line);
  hasPending_ = true;
  return false;
}

// ---- the digest ----

// AddValue adds one value read from column c to d (drivers/PROTOCOL.md,
// "The digest"); a value the prim does not hold is not digested.
static void encode(Digest& d, const Value& v);

static void AddValue(Digest& d, const std::string& path, const std::string& prop, const Value& v) {
  if (!v.has) return;
  d.Record(path, prop, v.type);
  encode(d, v);
}

// Digested counts the values of a digest, read at a time or not.
struct Digested {
  drv::Digest d;
  int64_t timed = 0;  // values added by At, which Digest::Record does not count

  void Add(const std::string& path, const std::string& prop, const Value& v) { AddValue(d, path, prop, v); }
  // At adds one value read at time t (formats.Digest.AddAt): the path and
  // property, the marker 255, t's bits, then the value as Add encodes it.
  void At(const std::string& path, const std::string& prop, double t, const Value& v) {
    if (!v.has) return;
    ++timed;
    d.Str(path);
    d.Str(prop);
    d.U8(255);
    d.F64(t);
    d.U8(v.type);
    encode(d, v);
  }
  uint64_t Sum() { return d.Sum(); }
  int64_t Count() const { return d.Count() + timed; }
};

// encode writes a value's bytes after its type code.
static void encode(Digest& d, const Value& v) {
  switch (v.type) {
    case kDouble: d.F64(v.f64); break;
    case kFloat: d.F32(v.f32); break;
    case kInt: d.I32(v.i32); break;
    case kInt64: d.I64(v.i64); break;
    case kBool: d.U8(v.b); break;
    case kString:
    case kToken:
      d.U32(uint32_t(v.len));
      d.Bytes(v.data, size_t(v.len));
      break;
    case kFloat3: d.Bytes(v.f3, sizeof v.f3); break;
    case kDouble3: d.Bytes(v.d3, sizeof v.d3); break;
    case kDoubleArray:
    case kFloatArray:
    case kIntArray:
    case kFloat3Array: {
      size_t elem = v.type == kDoubleArray ? 8 : v.type == kFloat3Array ? 12 : 4;
      d.U32(uint32_t(v.len));
      d.Bytes(v.data, size_t(v.len) * elem);
      break;
    }
    default: break;
  }
}

// ---- steps ----

namespace {

struct Timing {
  double ns = 0;  // per operation
  int64_t ops = 1;
  bool batched = false;
};

class Step {
 public:
  virtual ~Step() = default;
  // Prepare parses the request: outside the figures.
  virtual bool Prepare(const Json& req, std::string* err) = 0;
  // Timed runs the measured part.
  virtual bool Timed(Timing* t, std::string* err) = 0;
  // Digest digests what was read; false with an empty err for steps that
  // read nothing.
  virtual bool Digest(uint64_t*, int64_t*, std::string* err) {
    err->clear();
    return false;
  }
};

double elapsed(const Session& s, int64_t ns) { return double(std::max<int64_t>(ns - s.clockNs(), 0)); }

Scene* needScene(Session* s, std::string* err) {
  if (!s->scene()) *err = "no open file: the scenario must open the file first";
  return s->scene().get();
}

// At is a step's "time": absent (default values), a number, or "all".
struct At {
  bool set = false, all = false;
  double t = 0;
};

bool timeOf(const Json& req, At* at, std::string* err) {
  const Json* v = req.Find("time");
  if (!v) return true;
  at->set = true;
  if (v->kind() == Json::String && v->str == "all") {
    at->all = true;
    return true;
  }
  if (v->kind() != Json::Number || !std::isfinite(v->number)) {
    *err = std::string("time is ") + v->KindName() + ": a finite number or \"all\"";
    return false;
  }
  at->t = v->number;
  return true;
}

// readAt reads the property with columns cols on row as at says: at a
// time into v, or every sample through add(timed, time, value). Without a
// time it reads the default into v.
template <typename F>
bool readAt(Scene* s, const At& at, const std::vector<int>& cols, int64_t row, Value* v, Value* hi, Blend* buf,
            std::string* err, F add) {
  if (at.all) return EachSample(s, cols, row, v, err, add);
  if (at.set) return ValueAt(s, cols, row, at.t, v, hi, buf, err);
  for (int c : cols) {
    if (!s->Read(c, row, v, err)) return false;
    if (v->has) break;
  }
  return true;
}

// ---- open ----

class OpenStep : public Step {
 public:
  explicit OpenStep(Session* s) : s_(s) {}

  bool Prepare(const Json& req, std::string* err) override {
    std::string format, compose;
    const Json* opts = nullptr;
    const Json* fmtOpts = nullptr;
    if (!GetString(req, "path", &path_, err, true) || !GetString(req, "format", &format, err, true) ||
        !GetString(req, "compose", &compose, err) || !GetObject(req, "driver_options", &opts, err) ||
        !GetObject(req, "options", &fmtOpts, err))
      return false;
    if (opts && !opts->fields.empty()) {
      *err = "arrow-cpp takes no driver options (got \"" + opts->fields.front().first + "\")";
      return false;
    }
    if (format != "parquet") {
      *err = "format \"" + format + "\" is not read by arrow-cpp (parquet only)";
      return false;
    }
    if (!compose.empty()) {
      *err = "compose \"" + compose + "\" is not supported: arrow-cpp reads one file";
      return false;
    }
    std::string index = "eager";
    int64_t budget = 0;
    if (fmtOpts && (!GetString(*fmtOpts, "index", &index, err) || !GetInt(*fmtOpts, "cache_budget", &budget, err)))
      return false;
    if (index != "eager" && index != "lazy") {
      *err = "index \"" + index + "\" is neither eager nor lazy";
      return false;
    }
    if (budget != 0) {
      *err = "cache_budget " + std::to_string(budget) + ": arrow-cpp keeps every array it decodes (cache_budget = 0 only)";
      return false;
    }
    lazy_ = index == "lazy";
    // A later open is a cold start: drop the open file here, outside the
    // timing.
    s_->scene().reset();
    return true;
  }

  bool Timed(Timing* t, std::string* err) override {
    auto t0 = Clock::now();
    std::unique_ptr<Scene> scene = Scene::Open(path_, lazy_, err);
    int64_t d = since(t0);
    if (!scene) {
      *err = "open " + path_ + ": " + *err;
      return false;
    }
    s_->scene() = std::move(scene);
    t->ns = elapsed(*s_, d);
    t->ops = 1;
    return true;
  }

 private:
  Session* s_;
  std::string path_;
  bool lazy_ = false;
};

// ---- get ----

// A cold get (a one-off read) looks the prim up by its path and the
// property by its name, as runner's Go reader answers Get(prim, property):
// the eager index is a hash map from path to row, the lazy one the file's
// hash index. A warm get, a read repeated, resolves the row and the
// columns once before the timing, as the Go reader resolves handles (and
// an Arrow user would keep a row number and a column index); each timed
// read is then a typed load from the kept array.
class GetStep : public Step {
 public:
  explicit GetStep(Session* s) : s_(s) {}

  bool Prepare(const Json& req, std::string* err) override {
    if (!GetString(req, "prim", &prim_, err, true) || !GetStrings(req, "properties", &names_, err, true) ||
        !GetInt(req, "times", &times_, err) || !GetBool(req, "cold", &cold_, err) ||
        !GetInt(req, "batch", &batch_, err) || !timeOf(req, &at_, err))
      return false;
    if (names_.empty()) {
      *err = "get needs properties";
      return false;
    }
    if (prim_.empty() || prim_[0] != '/') {
      *err = "\"" + Clip(prim_, 200) + "\" is not an absolute prim path";
      return false;
    }
    times_ = std::max<int64_t>(times_, 1);
    if (!(scene_ = needScene(s_, err))) return false;
    values_.assign(names_.size(), Value());
    blends_.assign(names_.size(), Blend());
    if (!cold_) {
      resolved_ = true;
      return resolve(&row_, &cols_, err);
    }
    return true;
  }

  // resolve finds the prim's row and each property's columns.
  bool resolve(int64_t* row, std::vector<const std::vector<int>*>* cols, std::string* err) {
    if (!scene_->FindRow(prim_, row, err)) return false;
    if (*row < 0) {
      *err = scene_->File() + " has no prim " + prim_;
      return false;
    }
    cols->clear();
    for (const std::string& n : names_) {
      const std::vector<int>* c = scene_->Columns(n);
      if (!c) {
        *err = scene_->File() + ": " + prim_ + " has no property " + n;
        return false;
      }
      cols->push_back(c);
    }
    return true;
  }

  // read reads every property once.
  bool read(std::string* err) {
    int64_t row = row_;
    if (!resolved_ && !resolve(&row, &cols_, err)) return false;
    for (size_t j = 0; j < cols_.size(); ++j) {
      // One name with values of several types has a column per type: the
      // prim's value is in the one that is not null. With "all", every
      // sample is read (into values_[j], the last one kept).
      if (!readAt(scene_, at_, *cols_[j], row, &values_[j], &hi_, &blends_[j], err,
                  [](bool, double, const Value&) {}))
        return false;
    }
    return true;
  }

  // loop reads every property n times; the time of it all, or -1.
  int64_t loop(int64_t n, std::string* err) {
    auto t0 = Clock::now();
    for (int64_t i = 0; i < n; ++i)
      if (!read(err)) return -1;
    return since(t0);
  }

  bool Timed(Timing* t, std::string* err) override {
    int64_t d = loop(times_, err);
    if (d < 0) return false;
    int64_t ops = times_;
    bool batched = false;
    if (!cold_) {
      if (batch_ > times_) {
        batched = true;
        ops = batch_;
        if ((d = loop(batch_, err)) < 0) return false;
      } else if (d < 10 * kThreshold) {
        int64_t again = loop(times_, err);
        if (again < 0) return false;
        int64_t fastest = std::min(d, again);
        if (fastest < kThreshold) {
          batched = true;
          ops = times_;
          d = fastest;
          while (d < kGoal && ops < kMaxBatch) {
            ops = predict(ops, d);
            if ((d = loop(ops, err)) < 0) return false;
          }
        }
      }
    }
    t->ns = elapsed(*s_, d) / double(ops);
    t->ops = ops;
    t->batched = batched;
    return true;
  }

  bool Digest(uint64_t* sum, int64_t* values, std::string* err) override {
    Digested d;
    if (!at_.all) {
      for (size_t j = 0; j < names_.size(); ++j) {
        if (at_.set)
          d.At(prim_, names_[j], at_.t, values_[j]);
        else
          d.Add(prim_, names_[j], values_[j]);
      }
    } else {
      // Every sample again, untimed.
      int64_t row = row_;
      if (!resolved_ && !resolve(&row, &cols_, err)) return false;
      Value v;
      for (size_t j = 0; j < names_.size(); ++j) {
        auto add = [&](bool timed, double t, const Value& x) {
          if (timed)
            d.At(prim_, names_[j], t, x);
          else
            d.Add(prim_, names_[j], x);
        };
        if (!EachSample(scene_, *cols_[j], row, &v, err, add)) return false;
      }
    }
    *sum = d.Sum();
    *values = d.Count();
    return true;
  }

 private:
  // The batching rule of drivers/PROTOCOL.md (testing.B's): batch reads
  // whose times reads take under 10 µs until one timing lasts 100 µs.
  static constexpr int64_t kThreshold = 10000, kGoal = 100000, kMaxBatch = 100000000;

  static int64_t predict(int64_t prevN, int64_t prev) {
    if (prev <= 0) prev = 1;
    int64_t n = int64_t(double(kGoal) * double(prevN) / double(prev));
    n += n / 5;
    n = std::min(n, 100 * prevN);
    n = std::max(n, prevN + 1);
    return std::min(n, kMaxBatch);
  }

  Session* s_;
  Scene* scene_ = nullptr;
  std::string prim_;
  std::vector<std::string> names_;
  std::vector<Value> values_;
  std::vector<Blend> blends_;  // values_[j]'s interpolated arrays
  Value hi_;
  At at_;
  int64_t times_ = 1, batch_ = 0;
  bool cold_ = false;
  // A warm get's row and columns, resolved before the timing.
  bool resolved_ = false;
  int64_t row_ = -1;
  std::vector<const std::vector<int>*> cols_;
};

// ---- traverse ----

// A traversal lists the rows (layer order) and reads each row's values
// from the column chunks, decoding each chunk on its first read: the
// columns are resolved once, the prims are rows, no lookup by path.
class TraverseStep : public Step {
 public:
  TraverseStep(Session* s, std::string name) : step_(std::move(name)), s_(s) {}

  bool Prepare(const Json& req, std::string* err) override {
    int64_t threads = 1;
    if (!GetStrings(req, "properties", &names_, err, true) || !GetString(req, "order", &order_, err) ||
        !GetInts(req, "indices", &indices_, err) || !GetInt(req, "limit", &limit_, err) ||
        !GetInt(req, "threads", &threads, err) || !GetInts(req, "probe_at", &points_, err) ||
        !timeOf(req, &at_, err))
      return false;
    if (names_.empty()) {
      *err = "traverse needs properties";
      return false;
    }
    if (order_.empty()) order_ = "layer";
    if (order_ != "layer" && order_ != "reverse" && order_ != "indices") {
      *err = "unknown order \"" + order_ + "\" (layer, reverse or indices)";
      return false;
    }
    if (limit_ < 0) {
      *err = "limit " + std::to_string(limit_) + " is negative";
      return false;
    }
    if (threads != 1) {
      *err = "threads " + std::to_string(threads) + ": arrow-cpp reads on one thread";
      return false;
    }
    if (!std::is_sorted(points_.begin(), points_.end())) {
      *err = "probe_at is not in ascending order";
      return false;
    }
    if (!(scene_ = needScene(s_, err))) return false;
    for (const std::string& n : names_) {
      const std::vector<int>* c = scene_->Columns(n);
      if (!c) {
        *err = scene_->File() + " has no property " + n;
        return false;
      }
      cols_.push_back(c);
    }
    return true;
  }

  bool Timed(Timing* t, std::string* err) override {
    auto t0 = Clock::now();
    if (!scene_->ListPaths(err)) return false;
    int64_t dList = since(t0);
    // Putting the prims in order is not part of the step.
    const int64_t n = scene_->Rows();
    if (order_ == "indices") {
      order_idx_.reserve(indices_.size());
      for (int64_t k : indices_) {
        if (k < 0 || k >= n) {
          *err = "index " + std::to_string(k) + " is outside the " + std::to_string(n) + " prims of " + scene_->File();
          return false;
        }
        order_idx_.push_back(uint32_t(k));
      }
    } else {
      order_idx_.resize(size_t(n));
      for (int64_t i = 0; i < n; ++i) order_idx_[size_t(i)] = uint32_t(order_ == "reverse" ? n - 1 - i : i);
    }
    std::vector<int64_t>().swap(indices_);
    if (limit_ > 0 && size_t(limit_) < order_idx_.size()) order_idx_.resize(size_t(limit_));

    Value v;
    size_t next = 0;
    int64_t paused = 0;
    const size_t count = order_idx_.size();
    auto start = Clock::now();
    for (size_t i = 0; i < count; ++i) {
      if (!readRow(order_idx_[i], &v, err)) return false;
      while (next < points_.size() && points_[next] < int64_t(i + 1)) ++next;
      if (next < points_.size() && points_[next] == int64_t(i + 1)) {
        // Pause for runner's probe: report the time so far without the
        // earlier pauses and wait for go.
        auto tp = Clock::now();
        int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp - start).count() - paused + dList;
        s_->wire()->Send(Writer()
                             .Str("type", "probe")
                             .Str("step", step_)
                             .Int("prims", int64_t(i + 1))
                             .Num("elapsed_ns", double(std::max<int64_t>(ns, 0)))
                             .Done());
        if (!s_->wire()->AwaitGo(err)) return false;
        paused += since(tp);
        ++next;
      }
    }
    int64_t d = std::max<int64_t>(since(start) - paused, 0);
    t->ns = elapsed(*s_, dList + d);
    t->ops = 1;
    return true;
  }

  bool Digest(uint64_t* sum, int64_t* values, std::string* err) override {
    Digested d;
    Value v;
    std::string path;
    for (uint32_t row : order_idx_) {
      path.assign(scene_->Path(row));
      for (size_t j = 0; j < cols_.size(); ++j) {
        auto add = [&](bool timed, double t, const Value& x) {
          if (timed)
            d.At(path, names_[j], t, x);
          else
            d.Add(path, names_[j], x);
        };
        if (!readAt(scene_, at_, *cols_[j], row, &v, &hi_, &blend_, err, add)) return false;
        if (at_.all) continue;
        if (at_.set)
          d.At(path, names_[j], at_.t, v);
        else
          d.Add(path, names_[j], v);
      }
    }
    *sum = d.Sum();
    *values = d.Count();
    return true;
  }

 private:
  bool readProperty(uint32_t row, size_t j, Value* v, std::string* err) {
    return readAt(scene_, at_, *cols_[j], row, v, &hi_, &blend_, err, [](bool, double, const Value&) {});
  }

  bool readRow(uint32_t row, Value* v, std::string* err) {
    for (size_t j = 0; j < cols_.size(); ++j)
      if (!readProperty(row, j, v, err)) return false;
    return true;
  }

  std::string step_;  // named in probes
  Session* s_;
  Scene* scene_ = nullptr;
  std::vector<std::string> names_;
  std::vector<const std::vector<int>*> cols_;
  std::string order_;
  std::vector<int64_t> indices_, points_;
  int64_t limit_ = 0;
  std::vector<uint32_t> order_idx_;
  At at_;
  Value hi_;
  Blend blend_;
};

// ---- scan ----

// A scan reads the properties column-wise: each column chunk decoded once
// and its rows read in order, no prim paths listed (drivers/PROTOCOL.md).
class ScanStep : public Step {
 public:
  explicit ScanStep(Session* s) : s_(s) {}

  bool Prepare(const Json& req, std::string* err) override {
    int64_t threads = 1;
    if (!GetStrings(req, "properties", &names_, err, true) || !GetInt(req, "threads", &threads, err)) return false;
    if (names_.empty()) {
      *err = "scan needs properties";
      return false;
    }
    if (threads != 1) {
      *err = "threads " + std::to_string(threads) + ": arrow-cpp reads on one thread";
      return false;
    }
    return (scene_ = needScene(s_, err)) != nullptr;
  }

  bool Timed(Timing* t, std::string* err) override {
    auto t0 = Clock::now();
    int64_t read = 0;
    for (const std::string& n : names_) {
      const std::vector<int>* cols = scene_->Columns(n);
      if (!cols) {
        *err = scene_->File() + " has no property " + n;
        return false;
      }
      for (int c : *cols)
        if (!scene_->Scan(c, &v_, err, [&read](int64_t, const Value& v) { read += v.has; })) return false;
    }
    int64_t d = since(t0);
    read_ = read;
    t->ns = elapsed(*s_, d);
    t->ops = 1;
    return true;
  }

  // Digest is the layer-order traversal's.
  bool Digest(uint64_t* sum, int64_t* values, std::string* err) override {
    if (!scene_->ListPaths(err)) return false;
    drv::Digest d;
    std::string path;
    for (int64_t row = 0; row < scene_->Rows(); ++row) {
      path.assign(scene_->Path(row));
      for (const std::string& n : names_) {
        for (int c : *scene_->Columns(n)) {
          if (!scene_->Read(c, row, &v_, err)) return false;
          if (v_.has) break;
        }
        AddValue(d, path, n, v_);
      }
    }
    *sum = d.Sum();
    *values = d.Count();
    if (*values != read_) {
      *err = scene_->File() + ": the scan read " + std::to_string(read_) + " values, the digest pass " + std::to_string(*values);
      return false;
    }
    return true;
  }

 private:
  Session* s_;
  Scene* scene_ = nullptr;
  std::vector<std::string> names_;
  Value v_;
  int64_t read_ = 0;
};

}  // namespace

// ---- session ----

Session::Session(Wire* wire) : wire_(wire), clockNs_(clockOverhead()) {}

Session::~Session() = default;

void Session::Error(const std::string& step, const std::string& message) {
  wire_->Send(Writer().Str("type", "error").Str("step", step).Str("message", message).Done());
}

void Session::Run(Json req, bool big) {
  std::string name, op, err;
  if (!GetString(req, "name", &name, &err, true) || !GetString(req, "op", &op, &err, true)) {
    Error(name, "bad step: " + err);
    return;
  }
  std::unique_ptr<Step> step;
  if (op == "open") {
    step = std::make_unique<OpenStep>(this);
  } else if (op == "get") {
    step = std::make_unique<GetStep>(this);
  } else if (op == "traverse") {
    step = std::make_unique<TraverseStep>(this, name);
  } else if (op == "scan") {
    step = std::make_unique<ScanStep>(this);
  } else {
    Error(name, "unknown op \"" + op + "\" (this driver has open, get, traverse, scan)");
    return;
  }
  try {
    if (!step->Prepare(req, &err)) {
      Error(name, err);
      return;
    }
    req = Json();
    // What was freed stays in malloc's arenas and in the RSS runner reads
    // at ready unless it is handed back.
    if (big || op == "open") malloc_trim(0);
    wire_->Send(Writer().Str("type", "ready").Str("step", name).Done());
    if (!wire_->AwaitGo(&err)) {
      Error(name, err);
      return;
    }
    Timing t;
    if (!step->Timed(&t, &err)) {
      Error(name, err);
      return;
    }
    wire_->Send(Writer().Str("type", "measured").Str("step", name).Done());
    if (!wire_->AwaitGo(&err)) {
      Error(name, err);
      return;
    }
    uint64_t sum = 0;
    int64_t values = 0;
    bool digested = step->Digest(&sum, &values, &err);
    if (!digested && !err.empty()) {
      Error(name, err);
      return;
    }
    Writer w;
    w.Str("type", "result").Str("step", name).Num("ns", t.ns).Int("ops", t.ops);
    if (t.batched) w.Bool("batched", true);
    if (digested) w.Int("values", values).Str("digest", Hex(sum));
    wire_->Send(w.Done());
  } catch (const std::exception& e) {  // Arrow's Parquet layer throws
    Error(name, op + " failed: " + e.what());
  }
}

std::string Hello() {
  std::string caps = "{\"formats\":[\"parquet\"],\"ops\":[\"open\",\"get\",\"traverse\",\"scan\"],\"threads\":false,\"time\":true}";
  return Writer()
      .Str("type", "hello")
      .Int("protocol", 1)
      .Str("driver", "arrow-cpp")
      .Str("version", std::string("0.1 (Arrow C++ ") + arrow::GetBuildInfo().version_string + ", parquet::arrow::FileReader)")
      .Raw("capabilities", caps)
      .Done();
}

void Warm() {
  // Write a small table to memory and read it back through the same path
  // the steps take.
  auto pool = arrow::default_memory_pool();
  arrow::DoubleBuilder b(pool);
  (void)b.AppendValues(std::vector<double>{1, 2, 3});
  std::shared_ptr<arrow::Array> a;
  if (!b.Finish(&a).ok()) return;
  auto table = arrow::Table::Make(arrow::schema({arrow::field("x", arrow::float64())}), {a});
  auto out = arrow::io::BufferOutputStream::Create();
  if (!out.ok()) return;
  if (!parquet::arrow::WriteTable(*table, pool, *out, 1024).ok()) return;
  auto buf = (*out)->Finish();
  if (!buf.ok()) return;
  auto r = parquet::arrow::OpenFile(std::make_shared<arrow::io::BufferReader>(*buf), pool);
  if (!r.ok()) return;
  std::shared_ptr<arrow::ChunkedArray> col;
  (void)(*r)->RowGroup(0)->Column(0)->Read(&col);
}

}  // namespace drv
