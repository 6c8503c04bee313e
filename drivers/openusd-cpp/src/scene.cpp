#include "scene.h"

#include <pxr/ar/resolver.h>
#include <pxr/gf/half.h>
#include <pxr/gf/math.h>
#include <pxr/gf/matrix2d.h>
#include <pxr/gf/matrix3d.h>
#include <pxr/gf/matrix4d.h>
#include <pxr/gf/quatd.h>
#include <pxr/gf/quatf.h>
#include <pxr/gf/quath.h>
#include <pxr/gf/vec2d.h>
#include <pxr/gf/vec2f.h>
#include <pxr/gf/vec2h.h>
#include <pxr/gf/vec3d.h>
#include <pxr/gf/vec3f.h>
#include <pxr/gf/vec3h.h>
#include <pxr/gf/vec4d.h>
#include <pxr/gf/vec4f.h>
#include <pxr/gf/vec4h.h>
#include <pxr/pcp/errors.h>
#include <pxr/pcp/iterator.h>
#include <pxr/pcp/layerStack.h>
#include <pxr/pcp/layerStackIdentifier.h>
#include <pxr/pcp/node.h>
#include <pxr/plug/registry.h>
#include <pxr/sdf/fileFormat.h>
#include <pxr/sdf/schema.h>
#include <pxr/sdf/timeCode.h>
#include <pxr/sdf/types.h>
#include <pxr/sdf/valueTypeName.h>
#include <pxr/tf/errorMark.h>
#include <pxr/tf/type.h>
#include <pxr/vt/array.h>
#include <pxr/vt/typeHeaders.h>  // every known value type, for VtVisitValue
#include <pxr/vt/visitValue.h>
#include <pxr/work/loops.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <set>
#include <type_traits>
#include <unistd.h>

using namespace pxr;

namespace drv {

namespace {

// notFound explains a failed open that OpenUSD gave no reason for.
std::string notFound(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::string("cannot read the file: ") + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "it is a directory";
  return "SdfLayer::FindOrOpen failed";
}

// errors drains the errors OpenUSD posted under mark into one line.
std::string errors(TfErrorMark& mark, const std::string& fallback) {
  std::string out;
  for (auto it = mark.GetBegin(); it != mark.GetEnd(); ++it) {
    std::string c = it->GetCommentary();
    if (c.empty()) continue;
    if (!out.empty()) out += "; ";
    out += c;
  }
  mark.Clear();
  if (out.empty()) out = fallback;
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// unblocked says whether value holds a value, not a value block.
bool unblocked(const VtValue& value) { return !value.IsEmpty() && !value.IsHolding<SdfValueBlock>(); }

// atTime resolves the value at t of the attribute spec at path in one
// layer that has time samples for it, bracketing t at lo <= t <= hi (see
// Scene::ReadAt): as usd/interpolators.cpp, the lower sample when lo and
// hi are within 1e-6; a blocked lower sample is no value; a blocked upper
// one, or one of another type, holds the lower; otherwise the blend at
// alpha = (t - lo) / (hi - lo).
bool atTime(const SdfLayer& layer, const SdfPath& path, double t, double lo, double hi, VtValue* value,
            VtValue* upper) {
  if (!layer.QueryTimeSample(path, lo, value) || !unblocked(*value)) return false;
  if (lo == hi || GfIsClose(lo, hi, 1e-6) || !Blendable(*value)) return true;
  if (!layer.QueryTimeSample(path, hi, upper) || !unblocked(*upper) || upper->GetTypeid() != value->GetTypeid())
    return true;
  const double alpha = (t - lo) / (hi - lo);
  if (alpha != 0.0) BlendSamples(alpha, value, upper);
  return true;
}

// allSamples reads every time sample of the spec at path in layer; false
// when it has none.
bool allSamples(const SdfLayer& layer, const SdfPath& path, std::vector<double>* times,
                std::vector<VtValue>* values) {
  const std::set<double> ts = layer.ListTimeSamplesForPath(path);
  if (ts.empty()) return false;
  times->assign(ts.begin(), ts.end());
  values->resize(ts.size());
  for (size_t k = 0; k < times->size(); ++k) {
    VtValue& v = (*values)[k];
    if (!layer.QueryTimeSample(path, (*times)[k], &v) || !unblocked(v)) v = VtValue();
  }
  return true;
}

// defaultOnly answers ReadAll for a spec with a default and no samples.
bool defaultOnly(const VtValue& v, std::vector<double>* times, std::vector<VtValue>* values) {
  times->clear();
  values->resize(1);
  (*values)[0] = unblocked(v) ? v : VtValue();
  return true;
}

// The layer itself, read through SdfLayer's field API.
class LayerScene : public Scene {
 public:
  LayerScene(const std::string& file, SdfLayerRefPtr layer) : layer_(std::move(layer)) { file_ = file; }

  bool Find(const SdfPath& path, Prim* out) const override {
    if (layer_->GetSpecType(path) != SdfSpecTypePrim) return false;
    *out = Prim{path, nullptr};
    return true;
  }

  void List(std::vector<Prim>* out) const override { visit(SdfPath::AbsoluteRootPath(), out); }

  bool Read(const Prim&, const SdfPath& attr, VtValue* value) const override {
    return layer_->HasField(attr, SdfFieldKeys->Default, value) && !value->IsHolding<SdfValueBlock>();
  }

  bool ReadAt(const Prim& prim, const SdfPath& attr, double t, VtValue* value, VtValue* upper) const override {
    double lo, hi;
    if (!layer_->GetBracketingTimeSamplesForPath(attr, t, &lo, &hi)) return Read(prim, attr, value);
    return atTime(*layer_, attr, t, lo, hi, value, upper);
  }

  bool ReadAll(const Prim&, const SdfPath& attr, std::vector<double>* times,
               std::vector<VtValue>* values) const override {
    if (allSamples(*layer_, attr, times, values)) return true;
    VtValue v;
    return layer_->HasField(attr, SdfFieldKeys->Default, &v) && defaultOnly(v, times, values);
  }

  TfToken TypeName(const Prim&, const SdfPath& attr) const override {
    TfToken t;
    layer_->HasField(attr, SdfFieldKeys->TypeName, &t);
    return t;
  }

 private:
  // visit lists the children of path that carry properties, each before
  // its own children: the order of the prim specs in the layer.
  void visit(const SdfPath& path, std::vector<Prim>* out) const {
    TfTokenVector children;
    if (!layer_->HasField(path, SdfChildrenKeys->PrimChildren, &children)) return;
    TfTokenVector props;
    for (const TfToken& name : children) {
      SdfPath child = path.AppendChild(name);
      if (layer_->HasField(child, SdfChildrenKeys->PropertyChildren, &props) && !props.empty())
        out->push_back(Prim{child, nullptr});
      visit(child, out);
    }
  }

  SdfLayerRefPtr layer_;
};

// A layer stack composed by Pcp, as a UsdStage composes it: the base layer
// with the data file as its sublayer, every prim index computed at open.
class ComposedScene : public Scene {
 public:
  ComposedScene(const std::string& file, SdfLayerRefPtr base, std::unique_ptr<PcpCache> cache)
      : base_(std::move(base)), cache_(std::move(cache)) {
    file_ = file;
  }

  ~ComposedScene() override {
    // The cache holds the layer stack and, through it, the data layer:
    // release it before the root layer it refers to.
    cache_.reset();
    base_.Reset();
  }

  bool Find(const SdfPath& path, Prim* out) const override {
    const PcpPrimIndex* index = cache_->FindPrimIndex(path);
    if (!index || !index->IsValid() || !index->HasSpecs()) return false;
    *out = Prim{path, index};
    return true;
  }

  void List(std::vector<Prim>* out) const override {
    const PcpPrimIndex* root = cache_->FindPrimIndex(SdfPath::AbsoluteRootPath());
    if (root) visit(*root, out);
  }

  bool Read(const Prim& prim, const SdfPath& attr, VtValue* value) const override {
    // The strongest opinion: nodes strong to weak, each node's layers
    // strong to weak, the first default found. With a sublayer only, the
    // root node's layer stack: the base layer, then the data file.
    for (const PcpNodeRef& node : prim.index->GetNodeRange()) {
      if (node.IsInert() || !node.HasSpecs()) continue;
      const SdfPath& site = node.GetPath();
      const SdfPath specPath = site == prim.path ? attr : site.AppendProperty(attr.GetNameToken());
      for (const SdfLayerRefPtr& layer : node.GetLayerStack()->GetLayers()) {
        if (layer->HasField(specPath, SdfFieldKeys->Default, value))
          return !value->IsHolding<SdfValueBlock>();
      }
    }
    return false;
  }

  // At a time, the strongest layer with time samples or a default for
  // the attribute decides, as Usd's value resolution does.
  bool ReadAt(const Prim& prim, const SdfPath& attr, double t, VtValue* value, VtValue* upper) const override {
    for (const PcpNodeRef& node : prim.index->GetNodeRange()) {
      if (node.IsInert() || !node.HasSpecs()) continue;
      const SdfPath& site = node.GetPath();
      const SdfPath specPath = site == prim.path ? attr : site.AppendProperty(attr.GetNameToken());
      for (const SdfLayerRefPtr& layer : node.GetLayerStack()->GetLayers()) {
        double lo, hi;
        if (layer->GetBracketingTimeSamplesForPath(specPath, t, &lo, &hi))
          return atTime(*layer, specPath, t, lo, hi, value, upper);
        if (layer->HasField(specPath, SdfFieldKeys->Default, value)) return unblocked(*value);
      }
    }
    return false;
  }

  bool ReadAll(const Prim& prim, const SdfPath& attr, std::vector<double>* times,
               std::vector<VtValue>* values) const override {
    VtValue v;
    for (const PcpNodeRef& node : prim.index->GetNodeRange()) {
      if (node.IsInert() || !node.HasSpecs()) continue;
      const SdfPath& site = node.GetPath();
      const SdfPath specPath = site == prim.path ? attr : site.AppendProperty(attr.GetNameToken());
      for (const SdfLayerRefPtr& layer : node.GetLayerStack()->GetLayers()) {
        if (allSamples(*layer, specPath, times, values)) return true;
        if (layer->HasField(specPath, SdfFieldKeys->Default, &v)) return defaultOnly(v, times, values);
      }
    }
    return false;
  }

  TfToken TypeName(const Prim& prim, const SdfPath& attr) const override {
    TfToken t;
    for (const PcpNodeRef& node : prim.index->GetNodeRange()) {
      if (node.IsInert() || !node.HasSpecs()) continue;
      const SdfPath& site = node.GetPath();
      const SdfPath specPath = site == prim.path ? attr : site.AppendProperty(attr.GetNameToken());
      for (const SdfLayerRefPtr& layer : node.GetLayerStack()->GetLayers())
        if (layer->HasField(specPath, SdfFieldKeys->TypeName, &t) && !t.IsEmpty()) return t;
    }
    return t;
  }

 private:
  // visit lists the composed children of index that have properties, each
  // before its own children, in the composed child order.
  void visit(const PcpPrimIndex& index, std::vector<Prim>* out) const {
    TfTokenVector names;
    PcpTokenSet prohibited;
    index.ComputePrimChildNames(&names, &prohibited);
    TfTokenVector props;
    for (const TfToken& name : names) {
      SdfPath child = index.GetPath().AppendChild(name);
      const PcpPrimIndex* c = cache_->FindPrimIndex(child);
      if (!c || !c->IsValid()) continue;
      props.clear();
      c->ComputePrimPropertyNames(&props);
      if (!props.empty()) out->push_back(Prim{child, c});
      visit(*c, out);
    }
  }

  SdfLayerRefPtr base_;
  std::unique_ptr<PcpCache> cache_;
};

}  // namespace

std::string LayerIdentifier(const std::string& path, const std::string& format, const JsObject* opts) {
  if (format != "parquet" || !opts) return path;
  SdfLayer::FileFormatArguments args;
  for (const char* key : {"index", "cache_budget"}) {
    auto it = opts->find(key);
    if (it == opts->end()) continue;
    const JsValue& v = it->second;
    if (v.IsString()) {
      args[key] = v.GetString();
    } else if (v.IsInt()) {
      args[key] = std::to_string(v.GetInt64());
    } else if (v.IsUInt64()) {
      args[key] = std::to_string(v.GetUInt64());
    }
  }
  return args.empty() ? path : SdfLayer::CreateIdentifier(path, args);
}

std::unique_ptr<Scene> OpenLayer(const std::string& path, std::string* err) {
  TfErrorMark mark;
  SdfLayerRefPtr layer = SdfLayer::FindOrOpen(path);
  if (!layer) {
    *err = "open " + path + ": " + errors(mark, notFound(path));
    return nullptr;
  }
  mark.Clear();
  return std::make_unique<LayerScene>(path, std::move(layer));
}

std::unique_ptr<Scene> OpenComposed(const std::string& base, const std::string& path, std::string* err) {
  TfErrorMark mark;
  SdfLayerRefPtr root = SdfLayer::FindOrOpen(base);
  if (!root) {
    *err = "open base layer " + base + ": " + errors(mark, notFound(base));
    return nullptr;
  }
  // The root layer is changed in memory only; it is never saved, and the
  // layer is dropped (so reopened from disk) before any later open.
  root->InsertSubLayerPath(path);
  auto cache = std::make_unique<PcpCache>(PcpLayerStackIdentifier(root), std::string(), /*usd=*/true);
  PcpErrorVector errs;
  PcpLayerStackRefPtr stack = cache->ComputeLayerStack(cache->GetLayerStackIdentifier(), &errs);
  if (!stack || stack->GetLayers().size() < 2 || !errs.empty()) {
    std::string msg;
    for (const PcpErrorBasePtr& e : errs) msg += (msg.empty() ? "" : "; ") + e->ToString();
    *err = "open " + path + " as a sublayer of " + base + ": " + (msg.empty() ? errors(mark, "the sublayer did not load") : msg);
    return nullptr;
  }
  cache->ComputePrimIndexesInParallel(
      SdfPath::AbsoluteRootPath(), &errs,
      [](const PcpPrimIndex&, TfTokenVector*) { return true; },  // every child
      [](const SdfPath&) { return false; });                      // no payloads
  if (!errs.empty()) {
    std::string msg;
    for (const PcpErrorBasePtr& e : errs) msg += (msg.empty() ? "" : "; ") + e->ToString();
    *err = "compose " + path + " over " + base + ": " + msg;
    return nullptr;
  }
  mark.Clear();
  return std::make_unique<ComposedScene>(path, std::move(root), std::move(cache));
}

bool Registered(const std::string& path) { return bool(SdfLayer::Find(path)); }

TypeCode TypeCodeOf(const TfToken& typeName) {
  static const std::vector<std::pair<TfType, TypeCode>> table = {
      {TfType::Find<double>(), kDouble},
      {TfType::Find<float>(), kFloat},
      {TfType::Find<int>(), kInt},
      {TfType::Find<int64_t>(), kInt64},
      {TfType::Find<bool>(), kBool},
      {TfType::Find<std::string>(), kString},
      {TfType::Find<TfToken>(), kToken},
      {TfType::Find<GfVec3f>(), kFloat3},
      {TfType::Find<GfVec3d>(), kDouble3},
      {TfType::Find<VtDoubleArray>(), kDoubleArray},
      {TfType::Find<VtFloatArray>(), kFloatArray},
      {TfType::Find<VtIntArray>(), kIntArray},
      {TfType::Find<VtVec3fArray>(), kFloat3Array},
  };
  SdfValueTypeName t = SdfSchema::GetInstance().FindType(typeName);
  if (!t) return kInvalid;
  TfType ty = t.GetType();
  for (const auto& [type, code] : table)
    if (type == ty) return code;
  return kInvalid;
}

namespace {

template <class T>
bool holds(const VtValue& v, const std::string& path, const std::string& prop, const char* want,
           std::string* err) {
  if (v.IsHolding<T>()) return true;
  *err = path + "." + prop + " is declared " + want + " but holds " + v.GetTypeName();
  return false;
}

}  // namespace

bool AddValue(Digest& d, const std::string& path, const std::string& prop, TypeCode type, const VtValue& v,
              std::string* err, const double* at) {
  auto record = [&] {
    if (at) {
      d.RecordAt(path, prop, *at, type);
    } else {
      d.Record(path, prop, type);
    }
  };
  switch (type) {
    case kDouble:
      if (!holds<double>(v, path, prop, "double", err)) return false;
      record();
      d.F64(v.UncheckedGet<double>());
      return true;
    case kFloat:
      if (!holds<float>(v, path, prop, "float", err)) return false;
      record();
      d.F32(v.UncheckedGet<float>());
      return true;
    case kInt:
      if (!holds<int>(v, path, prop, "int", err)) return false;
      record();
      d.I32(v.UncheckedGet<int>());
      return true;
    case kInt64:
      if (!holds<int64_t>(v, path, prop, "int64", err)) return false;
      record();
      d.I64(v.UncheckedGet<int64_t>());
      return true;
    case kBool:
      if (!holds<bool>(v, path, prop, "bool", err)) return false;
      record();
      d.U8(v.UncheckedGet<bool>() ? 1 : 0);
      return true;
    case kString:
      if (!holds<std::string>(v, path, prop, "string", err)) return false;
      record();
      d.Str(v.UncheckedGet<std::string>());
      return true;
    case kToken:
      if (!holds<TfToken>(v, path, prop, "token", err)) return false;
      record();
      d.Str(v.UncheckedGet<TfToken>().GetString());
      return true;
    case kFloat3: {
      if (!holds<GfVec3f>(v, path, prop, "float3", err)) return false;
      const GfVec3f& x = v.UncheckedGet<GfVec3f>();
      record();
      d.F32(x[0]), d.F32(x[1]), d.F32(x[2]);
      return true;
    }
    case kDouble3: {
      if (!holds<GfVec3d>(v, path, prop, "double3", err)) return false;
      const GfVec3d& x = v.UncheckedGet<GfVec3d>();
      record();
      d.F64(x[0]), d.F64(x[1]), d.F64(x[2]);
      return true;
    }
    case kDoubleArray: {
      if (!holds<VtDoubleArray>(v, path, prop, "double[]", err)) return false;
      const VtDoubleArray& a = v.UncheckedGet<VtDoubleArray>();
      record();
      d.U32(uint32_t(a.size()));
      for (double x : a) d.F64(x);
      return true;
    }
    case kFloatArray: {
      if (!holds<VtFloatArray>(v, path, prop, "float[]", err)) return false;
      const VtFloatArray& a = v.UncheckedGet<VtFloatArray>();
      record();
      d.U32(uint32_t(a.size()));
      for (float x : a) d.F32(x);
      return true;
    }
    case kIntArray: {
      if (!holds<VtIntArray>(v, path, prop, "int[]", err)) return false;
      const VtIntArray& a = v.UncheckedGet<VtIntArray>();
      record();
      d.U32(uint32_t(a.size()));
      for (int x : a) d.I32(x);
      return true;
    }
    case kFloat3Array: {
      if (!holds<VtVec3fArray>(v, path, prop, "float3[]", err)) return false;
      const VtVec3fArray& a = v.UncheckedGet<VtVec3fArray>();
      record();
      d.U32(uint32_t(a.size()));
      for (const GfVec3f& x : a) d.F32(x[0]), d.F32(x[1]), d.F32(x[2]);
      return true;
    }
    case kInvalid:
      break;
  }
  *err = path + "." + prop + " has a type the digest does not cover";
  return false;
}

namespace {

// Blends says whether OpenUSD interpolates values of type T linearly
// (usd/interpolation.h, USD_LINEAR_INTERPOLATION_TYPES); VtArrays of these
// blend element by element.
template <class T>
struct Blends : std::false_type {};
#define DRV_BLENDS(T) \
  template <>         \
  struct Blends<T> : std::true_type {};
DRV_BLENDS(GfHalf)
DRV_BLENDS(float)
DRV_BLENDS(double)
DRV_BLENDS(SdfTimeCode)
DRV_BLENDS(GfMatrix2d)
DRV_BLENDS(GfMatrix3d)
DRV_BLENDS(GfMatrix4d)
DRV_BLENDS(GfVec2d)
DRV_BLENDS(GfVec2f)
DRV_BLENDS(GfVec2h)
DRV_BLENDS(GfVec3d)
DRV_BLENDS(GfVec3f)
DRV_BLENDS(GfVec3h)
DRV_BLENDS(GfVec4d)
DRV_BLENDS(GfVec4f)
DRV_BLENDS(GfVec4h)
DRV_BLENDS(GfQuatd)
DRV_BLENDS(GfQuatf)
DRV_BLENDS(GfQuath)
#undef DRV_BLENDS

// blend is one value's interpolation: GfLerp, GfSlerp for quaternions.
template <class T>
T blend(double alpha, const T& a, const T& b) {
  return GfLerp(alpha, a, b);
}
GfQuatd blend(double alpha, const GfQuatd& a, const GfQuatd& b) { return GfSlerp(alpha, a, b); }
GfQuatf blend(double alpha, const GfQuatf& a, const GfQuatf& b) { return GfSlerp(alpha, a, b); }
GfQuath blend(double alpha, const GfQuath& a, const GfQuath& b) { return GfSlerp(alpha, a, b); }

// blender is BlendSamples's visitor of the lower sample (VtVisitValue
// calls it with the held type; both samples hold the same type).
struct blender {
  double alpha;
  VtValue* lower;
  VtValue* upper;

  template <class T>
  void operator()(const T& a) {
    if constexpr (Blends<T>::value) {
      T out = blend(alpha, a, upper->UncheckedGet<T>());
      lower->Swap(out);
    }
  }

  template <class T>
  void operator()(const VtArray<T>& a) {
    if constexpr (Blends<T>::value) {
      const VtArray<T>& b = upper->UncheckedGet<VtArray<T>>();
      if (a.size() != b.size()) return;  // held, as OpenUSD holds arrays that change length
      VtArray<T> out = lower->UncheckedRemove<VtArray<T>>();
      T* d = out.data();  // detaches from the layer's copy
      const T* u = b.cdata();
      for (size_t i = 0, n = out.size(); i < n; ++i) d[i] = blend(alpha, d[i], u[i]);
      lower->Swap(out);
    }
  }

  void operator()(const VtValue& v) {
    // SdfTimeCode is not among VtValue's known types.
    if (v.IsHolding<SdfTimeCode>()) {
      (*this)(v.UncheckedGet<SdfTimeCode>());
    } else if (v.IsHolding<VtArray<SdfTimeCode>>()) {
      (*this)(v.UncheckedGet<VtArray<SdfTimeCode>>());
    }
  }
};

// blendable is Blendable's visitor.
struct blendable {
  template <class T>
  bool operator()(const T&) const {
    return Blends<T>::value;
  }
  template <class T>
  bool operator()(const VtArray<T>&) const {
    return Blends<T>::value;
  }
  bool operator()(const VtValue& v) const {
    return v.IsHolding<SdfTimeCode>() || v.IsHolding<VtArray<SdfTimeCode>>();
  }
};

}  // namespace

bool Blendable(const VtValue& value) { return VtVisitValue(value, blendable{}); }

void BlendSamples(double alpha, VtValue* lower, VtValue* upper) {
  if (lower->GetTypeid() != upper->GetTypeid()) return;
  VtVisitValue(*lower, blender{alpha, lower, upper});
}

std::vector<std::string> ReadableFormats() {
  std::vector<std::string> out;
  for (const char* first : {"usdc", "usda"})
    if (SdfFileFormat::FindByExtension(first)) out.push_back(first);
  std::set<std::string> exts = SdfFileFormat::FindAllFileFormatExtensions();
  for (const std::string& e : exts) {
    if (std::find(out.begin(), out.end(), e) != out.end()) continue;
    if (SdfFileFormat::FindByExtension(e)) out.push_back(e);
  }
  return out;
}

void Warm() {
  TfErrorMark mark;
  PlugRegistry::GetInstance();
  SdfSchema::GetInstance();
  ArGetResolver();
  ReadableFormats();  // loads every file format plugin
  TypeCodeOf(SdfValueTypeNames->Double.GetAsToken());
  // The worker threads Pcp composes on.
  WorkParallelForN(64, [](size_t, size_t) {});
  // The readers' own first-use costs: write a one-prim layer in each of
  // usdc and usda and read it back.
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = tmp && *tmp ? tmp : "/tmp";
  for (const char* ext : {"usdc", "usda"}) {
    std::string file = dir + "/openusd-cpp-warm-" + std::to_string(getpid()) + "." + ext;
    {
      SdfLayerRefPtr w = SdfLayer::CreateAnonymous(std::string("warm.") + ext);
      if (!w || !w->ImportFromString("#usda 1.0\ndef \"W\" { double x = 1 }\n") || !w->Export(file)) continue;
    }
    if (SdfLayerRefPtr r = SdfLayer::FindOrOpen(file)) {
      VtValue v;
      r->HasField(SdfPath("/W.x"), SdfFieldKeys->Default, &v);
    }
    std::remove(file.c_str());
  }
  mark.Clear();
}

}  // namespace drv
