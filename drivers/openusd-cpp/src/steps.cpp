#include "steps.h"

#include <pxr/sdf/fileFormat.h>
#include <pxr/tf/errorMark.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

using namespace pxr;

namespace drv {

using Clock = std::chrono::steady_clock;

static int64_t since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

int64_t ClockOverhead() {
  int64_t best = INT64_MAX;
  for (int i = 0; i < 2000; ++i) {
    auto t0 = Clock::now();
    best = std::min(best, since(t0));
  }
  return best;
}

// ---- wire ----

void Wire::Send(const std::string& line) {
  std::lock_guard<std::mutex> lock(out_);
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
    std::fprintf(stderr, "openusd-cpp: input ended while waiting for go: runner went away\n");
    std::fflush(stdout);
    std::_Exit(1);
  }
  JsObject req;
  std::string type, perr;
  if (Parse(line, &req, &perr) && GetString(req, "type", &type, &perr) && type == "go") return true;
  *err = "expected go, got " + (type.empty() ? Clip(line, 80) : "\"" + type + "\"");
  pending_ = std::move(line);
  hasPending_ = true;
  return false;
}

// ---- steps ----

namespace {

struct Timing {
  double ns = 0;  // per operation
  int64_t ops = 1;
  bool batched = false;
};

// Step is one prepared step.
class Step {
 public:
  virtual ~Step() = default;
  // Prepare parses and resolves the request: outside the figures.
  virtual bool Prepare(const JsObject& req, std::string* err) = 0;
  // Timed runs the measured part.
  virtual bool Timed(Timing* t, std::string* err) = 0;
  // Digest digests what was read; false with an empty err for steps that
  // read nothing.
  virtual bool Digest(uint64_t*, int64_t*, std::string* err) {
    err->clear();
    return false;
  }
};

// elapsed takes the clock's own cost off a raw timing.
double elapsed(const Session& s, int64_t ns) { return double(std::max<int64_t>(ns - s.clockNs(), 0)); }

// drain appends OpenUSD's pending errors to msg.
std::string drain(TfErrorMark& mark, std::string msg) {
  for (auto it = mark.GetBegin(); it != mark.GetEnd(); ++it) {
    std::string c = it->GetCommentary();
    std::replace(c.begin(), c.end(), '\n', ' ');
    if (!c.empty()) msg += " (" + c + ")";
  }
  mark.Clear();
  return msg;
}

// ---- open ----

class OpenStep : public Step {
 public:
  explicit OpenStep(Session* s) : s_(s) {}

  bool Prepare(const JsObject& req, std::string* err) override {
    std::string format, compose;
    const JsObject* opts = nullptr;
    const JsObject* fmtOpts = nullptr;
    if (!GetString(req, "path", &path_, err, true) || !GetString(req, "format", &format, err, true) ||
        !GetString(req, "compose", &compose, err) || !GetString(req, "base", &base_, err) ||
        !GetObject(req, "driver_options", &opts, err) || !GetObject(req, "options", &fmtOpts, err))
      return false;
    if (opts && !opts->empty()) {
      *err = "openusd-cpp takes no driver options (got \"" + opts->begin()->first + "\")";
      return false;
    }
    const auto& fmts = s_->formats();
    if (std::find(fmts.begin(), fmts.end(), format) == fmts.end()) {
      *err = "format \"" + format + "\" has no OpenUSD file format plugin here (readable:";
      for (const auto& f : fmts) *err += " " + f;
      *err += ")";
      return false;
    }
    if (!SdfFileFormat::FindByExtension(path_)) {
      *err = "open " + path_ + ": no OpenUSD file format reads files with this extension";
      return false;
    }
    if (!compose.empty() && compose != "sublayer") {
      *err = "compose \"" + compose + "\" is not supported (sublayer)";
      return false;
    }
    // The read options of a format become the layer's file format
    // arguments: the Parquet plugin's index and cache budget.
    path_ = LayerIdentifier(path_, format, fmtOpts);
    composed_ = compose == "sublayer";
    if (composed_ && base_.empty()) {
      *err = "compose \"sublayer\" needs a base layer (field \"base\")";
      return false;
    }
    // A later open is a cold start: drop the open scene here, outside the
    // timing. Its layers leave the layer registry with their last
    // reference, so FindOrOpen must read the file again; check that.
    s_->scene().reset();
    for (const std::string& p : {path_, base_}) {
      if (!p.empty() && Registered(p)) {
        *err = "open " + p + ": the layer is still loaded, so a reopen would not read the file";
        return false;
      }
    }
    return true;
  }

  bool Timed(Timing* t, std::string* err) override {
    auto t0 = Clock::now();
    std::unique_ptr<Scene> scene = composed_ ? OpenComposed(base_, path_, err) : OpenLayer(path_, err);
    int64_t d = since(t0);
    if (!scene) return false;
    s_->scene() = std::move(scene);
    t->ns = elapsed(*s_, d);
    t->ops = 1;
    return true;
  }

 private:
  Session* s_;
  std::string path_, base_;
  bool composed_ = false;
};

// needScene returns the open scene or says there is none.
Scene* needScene(Session* s, std::string* err) {
  if (!s->scene()) *err = "no open scene: the scenario must open the file first";
  return s->scene().get();
}

// attrPaths resolves property names on a prim path.
bool attrPaths(const SdfPath& prim, const std::vector<std::string>& names, std::vector<TfToken>* toks,
               std::vector<SdfPath>* paths, std::string* err) {
  TfErrorMark mark;
  for (const std::string& n : names) {
    TfToken tok(n);
    SdfPath p = prim.IsEmpty() ? SdfPath() : prim.AppendProperty(tok);
    if ((!prim.IsEmpty() && p.IsEmpty()) || !SdfPath::IsValidNamespacedIdentifier(n)) {
      mark.Clear();
      *err = "\"" + n + "\" is not a property name";
      return false;
    }
    toks->push_back(tok);
    if (paths) paths->push_back(p);
  }
  return true;
}

// ---- get ----

// When is a get's or a traversal's "time" (drivers/PROTOCOL.md): absent,
// the default values; a number, the values at that time; "all", every time
// sample.
struct When {
  enum Kind { kDefault, kAt, kAll } kind = kDefault;
  double t = 0;
};

bool getWhen(const JsObject& req, When* w, std::string* err) {
  auto it = req.find("time");
  if (it == req.end() || it->second.IsNull()) return true;
  const JsValue& v = it->second;
  if (v.IsString()) {
    if (v.GetString() != "all") {
      *err = "time must be a number or \"all\", not \"" + Clip(v.GetString(), 40) + "\"";
      return false;
    }
    w->kind = When::kAll;
    return true;
  }
  if (v.IsReal()) {
    w->t = v.GetReal();
  } else if (v.IsUInt64()) {
    w->t = double(v.GetUInt64());
  } else if (v.IsInt()) {
    w->t = double(v.GetInt64());
  } else {
    *err = "time must be a number or \"all\"";
    return false;
  }
  if (!std::isfinite(w->t)) {
    *err = "time must be a finite number";
    return false;
  }
  w->kind = When::kAt;
  return true;
}

// Reading is one thread's buffers for reads at a time: the value (or the
// default), the upper sample while blending, and "all"'s samples.
struct Reading {
  VtValue value, upper;
  std::vector<double> times;
  std::vector<VtValue> values;
};

// readAt reads attr of prim at a time, or all its samples, into r; false
// when it has no value (skipped, not an error, as a blocked sample is).
bool readAt(const Scene& s, const When& w, const Prim& p, const SdfPath& attr, Reading* r) {
  if (w.kind == When::kAll) return s.ReadAll(p, attr, &r->times, &r->values);
  return s.ReadAt(p, attr, w.t, &r->value, &r->upper);
}

// addAt digests what readAt read: the value at the requested time, or
// each unblocked sample at its time (a default alone as without a time).
bool addAt(drv::Digest& d, const When& w, const std::string& path, const std::string& prop, TypeCode type,
           const Reading& r, std::string* err) {
  if (w.kind == When::kAt) return AddValue(d, path, prop, type, r.value, err, &w.t);
  if (r.times.empty()) return r.values.empty() || r.values[0].IsEmpty() || AddValue(d, path, prop, type, r.values[0], err);
  for (size_t k = 0; k < r.times.size(); ++k)
    if (!r.values[k].IsEmpty() && !AddValue(d, path, prop, type, r.values[k], err, &r.times[k])) return false;
  return true;
}

class GetStep : public Step {
 public:
  explicit GetStep(Session* s) : s_(s) {}

  bool Prepare(const JsObject& req, std::string* err) override {
    std::string prim;
    if (!GetString(req, "prim", &prim, err, true) || !GetStrings(req, "properties", &names_, err, true) ||
        !GetInt(req, "times", &times_, err) || !GetBool(req, "cold", &cold_, err) ||
        !GetInt(req, "batch", &batch_, err) || !getWhen(req, &when_, err))
      return false;
    if (names_.empty()) {
      *err = "get needs properties";
      return false;
    }
    times_ = std::max<int64_t>(times_, 1);
    if (!(scene_ = needScene(s_, err))) return false;
    {
      TfErrorMark mark;
      SdfPath p = SdfPath::IsValidPathString(prim) ? SdfPath(prim) : SdfPath();
      mark.Clear();
      if (p.IsEmpty() || !p.IsAbsolutePath() || !p.IsPrimPath()) {
        *err = "\"" + Clip(prim, 200) + "\" is not an absolute prim path";
        return false;
      }
      if (!scene_->Find(p, &prim_)) {
        *err = scene_->File() + " has no prim " + prim;
        return false;
      }
    }
    if (!attrPaths(prim_.path, names_, &toks_, &attrs_, err)) return false;
    values_.assign(names_.size(), VtValue());
    reads_.assign(names_.size(), Reading());
    has_.assign(names_.size(), 0);
    return true;
  }

  // loop reads every property n times; the time of it all, or -1.
  int64_t loop(int64_t n) {
    const size_t k = attrs_.size();
    if (when_.kind != When::kDefault) return loopAt(n);
    auto t0 = Clock::now();
    for (int64_t i = 0; i < n; ++i)
      for (size_t j = 0; j < k; ++j)
        if (!scene_->Read(prim_, attrs_[j], &values_[j])) {
          missing_ = j;
          return -1;
        }
    return since(t0);
  }

  // loopAt is loop at a time: a property without a value there is
  // skipped.
  int64_t loopAt(int64_t n) {
    const size_t k = attrs_.size();
    auto t0 = Clock::now();
    for (int64_t i = 0; i < n; ++i)
      for (size_t j = 0; j < k; ++j) has_[j] = readAt(*scene_, when_, prim_, attrs_[j], &reads_[j]);
    return since(t0);
  }

  bool Timed(Timing* t, std::string* err) override {
    int64_t d = loop(times_);
    if (d < 0) return fail(err);
    int64_t ops = times_;
    bool batched = false;
    if (!cold_) {
      if (batch_ > times_) {
        batched = true;
        ops = batch_;
        if ((d = loop(batch_)) < 0) return fail(err);
      } else if (d < 10 * kThreshold) {
        int64_t again = loop(times_);
        if (again < 0) return fail(err);
        int64_t fastest = std::min(d, again);
        if (fastest < kThreshold) {
          batched = true;
          ops = times_;
          d = fastest;
          while (d < kGoal && ops < kMaxBatch) {
            ops = predict(ops, d);
            if ((d = loop(ops)) < 0) return fail(err);
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
    drv::Digest d;
    const std::string& path = prim_.path.GetString();
    for (size_t j = 0; j < attrs_.size(); ++j) {
      if (when_.kind != When::kDefault && !has_[j]) continue;
      TypeCode type = TypeCodeOf(scene_->TypeName(prim_, attrs_[j]));
      if (when_.kind == When::kDefault ? !AddValue(d, path, names_[j], type, values_[j], err)
                                       : !addAt(d, when_, path, names_[j], type, reads_[j], err)) {
        *err = scene_->File() + ": " + *err;
        return false;
      }
    }
    *sum = d.Sum();
    *values = d.Count();
    return true;
  }

 private:
  // The batching rule of drivers/PROTOCOL.md (testing.B's): batch reads
  // faster than 1 µs until one timing lasts 100 µs.
  static constexpr int64_t kThreshold = 10000, kGoal = 100000, kMaxBatch = 100000000;

  static int64_t predict(int64_t prevN, int64_t prev) {
    if (prev <= 0) prev = 1;
    int64_t n = int64_t(double(kGoal) * double(prevN) / double(prev));
    n += n / 5;
    n = std::min(n, 100 * prevN);
    n = std::max(n, prevN + 1);
    return std::min(n, kMaxBatch);
  }

  bool fail(std::string* err) {
    *err = scene_->File() + ": " + prim_.path.GetString() + " has no value for property " + names_[missing_];
    return false;
  }

  Session* s_;
  Scene* scene_ = nullptr;
  Prim prim_;
  std::vector<std::string> names_;
  std::vector<TfToken> toks_;
  std::vector<SdfPath> attrs_;
  std::vector<VtValue> values_;
  When when_;
  std::vector<Reading> reads_;
  std::vector<char> has_;
  int64_t times_ = 1, batch_ = 0;
  bool cold_ = false;
  size_t missing_ = 0;
};

// ---- traverse ----

class TraverseStep : public Step {
 public:
  TraverseStep(Session* s, std::string name) : step_(std::move(name)), s_(s) {}

  bool Prepare(const JsObject& req, std::string* err) override {
    if (!GetStrings(req, "properties", &names_, err, true) || !GetString(req, "order", &order_, err) ||
        !GetInts(req, "indices", &indices_, err) || !GetInt(req, "limit", &limit_, err) ||
        !GetInt(req, "threads", &threads_, err) || !GetInts(req, "probe_at", &points_, err) ||
        !getWhen(req, &when_, err))
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
    if (threads_ < 1 || threads_ > 1024) {
      *err = "threads " + std::to_string(threads_) + " is not between 1 and 1024";
      return false;
    }
    if (!std::is_sorted(points_.begin(), points_.end())) {
      *err = "probe_at is not in ascending order";
      return false;
    }
    if (!(scene_ = needScene(s_, err))) return false;
    return attrPaths(SdfPath(), names_, &toks_, nullptr, err);
  }

  bool Timed(Timing* t, std::string* err) override {
    auto t0 = Clock::now();
    scene_->List(&prims_);
    int64_t dList = since(t0);
    // Putting the prims in order is not part of the step.
    const size_t n = prims_.size();
    if (order_ == "indices") {
      order_idx_.reserve(indices_.size());
      for (int64_t k : indices_) {
        if (k < 0 || uint64_t(k) >= n) {
          *err = "index " + std::to_string(k) + " is outside the " + std::to_string(n) + " prims of " + scene_->File();
          return false;
        }
        order_idx_.push_back(uint32_t(k));
      }
    } else {
      order_idx_.resize(n);
      for (size_t i = 0; i < n; ++i) order_idx_[i] = uint32_t(order_ == "reverse" ? n - 1 - i : i);
    }
    std::vector<int64_t>().swap(indices_);
    if (limit_ > 0 && size_t(limit_) < order_idx_.size()) order_idx_.resize(size_t(limit_));
    chunks_ = Chunks(order_idx_.size(), size_t(threads_));
    base_ = dList;
    int64_t d = chunks_.size() == 1 ? runSingle(err) : runParallel(err);
    if (d < 0) return false;
    t->ns = elapsed(*s_, dList + d);
    t->ops = 1;
    return true;
  }

  bool Digest(uint64_t* sum, int64_t* values, std::string* err) override {
    std::vector<uint64_t> sums(chunks_.size());
    std::vector<int64_t> counts(chunks_.size());
    std::vector<std::string> errs(chunks_.size());
    auto chunk = [&](size_t c) {
      drv::Digest d;
      VtValue v;
      Reading r;
      for (size_t i = chunks_[c].first; i < chunks_[c].second; ++i) {
        const Prim& p = prims_[order_idx_[i]];
        const std::string& path = p.path.GetString();
        for (size_t j = 0; j < toks_.size(); ++j) {
          SdfPath attr = p.path.AppendProperty(toks_[j]);
          if (when_.kind != When::kDefault) {
            if (readAt(*scene_, when_, p, attr, &r) &&
                !addAt(d, when_, path, names_[j], TypeCodeOf(scene_->TypeName(p, attr)), r, &errs[c])) {
              errs[c] = scene_->File() + ": " + errs[c];
              return;
            }
            continue;
          }
          if (!scene_->Read(p, attr, &v)) {
            errs[c] = scene_->File() + ": " + path + " has no value for property " + names_[j] + " (digest pass)";
            return;
          }
          if (!AddValue(d, path, names_[j], TypeCodeOf(scene_->TypeName(p, attr)), v, &errs[c])) {
            errs[c] = scene_->File() + ": " + errs[c];
            return;
          }
        }
      }
      sums[c] = d.Sum();
      counts[c] = d.Count();
    };
    if (chunks_.size() == 1) {
      chunk(0);
    } else {
      std::vector<std::thread> ts;
      for (size_t c = 0; c < chunks_.size(); ++c) ts.emplace_back(chunk, c);
      for (auto& th : ts) th.join();
    }
    *values = 0;
    for (size_t c = 0; c < chunks_.size(); ++c) {
      if (!errs[c].empty()) {
        *err = errs[c];
        return false;
      }
      *values += counts[c];
    }
    *sum = chunks_.size() == 1 ? sums[0] : Combine(sums);
    return true;
  }

  // Chunks cuts n prims into k contiguous ranges, the first n%k one longer.
  static std::vector<std::pair<size_t, size_t>> Chunks(size_t n, size_t k) {
    k = std::max<size_t>(std::min(k, n), 1);
    std::vector<std::pair<size_t, size_t>> out(k);
    size_t lo = 0;
    for (size_t i = 0; i < k; ++i) {
      size_t size = n / k + (i < n % k ? 1 : 0);
      out[i] = {lo, lo + size};
      lo += size;
    }
    return out;
  }

 private:
  // readPrim reads every requested property of one prim (at a time into
  // r, skipping properties without a value there).
  bool readPrim(const Prim& p, VtValue* v, Reading* r, std::string* err) {
    if (when_.kind != When::kDefault) {
      for (size_t j = 0; j < toks_.size(); ++j) readAt(*scene_, when_, p, p.path.AppendProperty(toks_[j]), r);
      return true;
    }
    for (size_t j = 0; j < toks_.size(); ++j) {
      if (!scene_->Read(p, p.path.AppendProperty(toks_[j]), v)) {
        *err = scene_->File() + ": " + p.path.GetString() + " has no value for property " + names_[j];
        return false;
      }
    }
    return true;
  }

  // probe pauses after done prims: reports the time so far without
  // earlier pauses and waits for go. One thread at a time.
  bool probe(int64_t done, std::string* err) {
    auto tp = Clock::now();
    std::lock_guard<std::mutex> lock(probeMu_);
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp - start_).count() - paused_.load() + base_;
    s_->wire()->Send(Encode([&](JsWriter& w) {
      w.WriteKeyValue("type", "probe");
      w.WriteKeyValue("step", step_);
      w.WriteKeyValue("prims", done);
      w.WriteKeyValue("elapsed_ns", double(std::max<int64_t>(ns, 0)));
    }));
    bool ok = s_->wire()->AwaitGo(err);
    if (!parallel_) paused_ += since(tp);
    return ok;
  }

  int64_t runSingle(std::string* err) {
    VtValue v;
    Reading r;
    size_t next = 0;
    const size_t n = order_idx_.size();
    start_ = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      if (!readPrim(prims_[order_idx_[i]], &v, &r, err)) return -1;
      while (next < points_.size() && points_[next] < int64_t(i + 1)) ++next;
      if (next < points_.size() && points_[next] == int64_t(i + 1)) {
        if (!probe(int64_t(i + 1), err)) return -1;
        ++next;
      }
    }
    return std::max<int64_t>(since(start_) - paused_.load(), 0);
  }

  // runParallel reads each chunk on its own thread. A probe pauses only
  // the thread that reached it, so pauses stay in the time.
  int64_t runParallel(std::string* err) {
    parallel_ = true;
    std::vector<std::string> errs(chunks_.size());
    std::atomic<int64_t> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> ts;
    ts.reserve(chunks_.size());
    start_ = Clock::now();
    for (size_t c = 0; c < chunks_.size(); ++c) {
      ts.emplace_back([&, c] {
        VtValue v;
        Reading r;
        for (size_t i = chunks_[c].first; i < chunks_[c].second && !stop.load(std::memory_order_relaxed); ++i) {
          if (!readPrim(prims_[order_idx_[i]], &v, &r, &errs[c])) {
            stop = true;
            return;
          }
          if (!points_.empty()) {
            int64_t k = ++done;
            if (std::binary_search(points_.begin(), points_.end(), k) && !probe(k, &errs[c])) {
              stop = true;
              return;
            }
          }
        }
      });
    }
    for (auto& th : ts) th.join();
    int64_t d = since(start_);
    for (const std::string& e : errs) {
      if (!e.empty()) {
        *err = e;
        return -1;
      }
    }
    return d;
  }

  std::string step_;  // named in probes
  Session* s_;
  Scene* scene_ = nullptr;
  std::vector<std::string> names_;
  std::vector<TfToken> toks_;
  std::string order_;
  std::vector<int64_t> indices_, points_;
  int64_t limit_ = 0, threads_ = 1;
  When when_;

  std::vector<Prim> prims_;
  std::vector<uint32_t> order_idx_;
  std::vector<std::pair<size_t, size_t>> chunks_;
  Clock::time_point start_;
  int64_t base_ = 0;
  std::atomic<int64_t> paused_{0};
  bool parallel_ = false;
  std::mutex probeMu_;
};

}  // namespace

// ---- session ----

Session::Session(Wire* wire) : wire_(wire), clockNs_(ClockOverhead()), formats_(ReadableFormats()) {}

Session::~Session() = default;

void Session::Close() { scene_.reset(); }

void Session::Error(const std::string& step, const std::string& message) {
  wire_->Send(Encode([&](JsWriter& w) {
    w.WriteKeyValue("type", "error");
    w.WriteKeyValue("step", step);
    w.WriteKeyValue("message", message);
  }));
}

void Session::Run(JsObject req, bool big) {
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
  } else if (op == "traverse" || op == "scan") {
    // Sdf has no column reads and its paths are its handles: a scan is
    // a traversal in layer order (a scan request carries no order).
    step = std::make_unique<TraverseStep>(this, name);
  } else {
    Error(name, "unknown op \"" + op + "\" (this driver has open, get, traverse, scan)");
    return;
  }
  // OpenUSD reports failures as TfErrors (and a few as exceptions): every
  // one ends as this step's error message.
  TfErrorMark mark;
  try {
    if (!step->Prepare(req, &err)) {
      Error(name, drain(mark, err));
      return;
    }
    req.clear();
    // What was freed stays in malloc's arenas and in the RSS runner reads
    // at ready unless it is handed back.
    if (big || op == "open") malloc_trim(0);
    mark.Clear();
    wire_->Send(Encode([&](JsWriter& w) {
      w.WriteKeyValue("type", "ready");
      w.WriteKeyValue("step", name);
    }));
    if (!wire_->AwaitGo(&err)) {
      Error(name, err);
      return;
    }
    Timing t;
    if (!step->Timed(&t, &err)) {
      Error(name, drain(mark, err));
      return;
    }
    mark.Clear();
    wire_->Send(Encode([&](JsWriter& w) {
      w.WriteKeyValue("type", "measured");
      w.WriteKeyValue("step", name);
    }));
    if (!wire_->AwaitGo(&err)) {
      Error(name, err);
      return;
    }
    uint64_t sum = 0;
    int64_t values = 0;
    bool digested = step->Digest(&sum, &values, &err);
    if (!digested && !err.empty()) {
      Error(name, drain(mark, err));
      return;
    }
    mark.Clear();
    wire_->Send(Encode([&](JsWriter& w) {
      w.WriteKeyValue("type", "result");
      w.WriteKeyValue("step", name);
      w.WriteKeyValue("ns", t.ns);
      w.WriteKeyValue("ops", t.ops);
      if (t.batched) w.WriteKeyValue("batched", true);
      if (digested) {
        w.WriteKeyValue("values", values);
        w.WriteKeyValue("digest", Hex(sum));
      }
    }));
  } catch (const std::exception& e) {
    Error(name, drain(mark, std::string(op) + " failed: " + e.what()));
  }
}

std::string Hello(const std::vector<std::string>& formats) {
  return Encode([&](JsWriter& w) {
    w.WriteKeyValue("type", "hello");
    w.WriteKeyValue("protocol", 1);
    w.WriteKeyValue("driver", "openusd-cpp");
    w.WriteKeyValue("version", "0.2 (OpenUSD " + std::to_string(SDF_MINOR_VERSION) + "." +
                                   std::to_string(SDF_PATCH_VERSION) + ", C++ Sdf/Pcp)");
    w.WriteKey("capabilities");
    w.BeginObject();
    w.WriteKey("formats");
    w.WriteArray(formats);
    w.WriteKey("ops");
    w.WriteArray(std::vector<std::string>{"open", "get", "traverse", "scan"});
    w.WriteKeyValue("threads", true);
    w.WriteKeyValue("time", true);
    w.WriteKey("compose");
    w.WriteArray(std::vector<std::string>{"sublayer"});
    w.EndObject();
  });
}

}  // namespace drv
