// A scene is what an open step opened: one Sdf layer, or a Pcp layer stack
// (a base layer with the data file as its sublayer) whose prim indexes are
// computed. Both answer the same questions: find a prim, list the prims
// that carry properties in order, read an attribute's default value, its
// value at a time or all its time samples, and (for the digest) its type
// name.
#pragma once

#include "digest.h"

#include "json.h"
#include <pxr/js/value.h>
#include <pxr/pcp/cache.h>
#include <pxr/pcp/primIndex.h>
#include <pxr/sdf/layer.h>
#include <pxr/sdf/path.h>
#include <pxr/tf/token.h>
#include <pxr/vt/value.h>

#include <memory>
#include <string>
#include <vector>

namespace drv {

// Prim is one prim to read: its path and, in a composed scene, its prim
// index (what UsdPrim holds on to, so a read does not look it up again).
struct Prim {
  pxr::SdfPath path;
  const pxr::PcpPrimIndex* index = nullptr;
};

class Scene {
 public:
  virtual ~Scene() = default;

  // File is the data file, for messages.
  const std::string& File() const { return file_; }

  // Find returns the prim at path, or false when the scene has none.
  virtual bool Find(const pxr::SdfPath& path, Prim* out) const = 0;

  // List appends the prims that carry properties, depth first in the
  // order their specs are stored (composed: the composed child order).
  virtual void List(std::vector<Prim>* out) const = 0;

  // Read reads the default value of attr, a property path of prim.path;
  // false when there is none.
  virtual bool Read(const Prim& prim, const pxr::SdfPath& attr, pxr::VtValue* value) const = 0;

  // ReadAt reads attr's value at time t as UsdAttribute::Get at
  // UsdTimeCode(t) resolves it (usd/interpolators.cpp), from the strongest
  // layer with time samples or a default for attr: no samples there gives
  // the default; otherwise the samples bracketing t
  // (SdfLayer::GetBracketingTimeSamplesForPath): the lower one at a
  // sample's time, before the first and after the last; between two,
  // BlendSamples of them. False when there is no value (no opinion, a
  // blocked default, a blocked lower sample). upper is scratch space for
  // the upper sample.
  virtual bool ReadAt(const Prim& prim, const pxr::SdfPath& attr, double t, pxr::VtValue* value,
                      pxr::VtValue* upper) const = 0;

  // ReadAll reads every time sample of attr from the strongest layer with
  // samples or a default for it (SdfLayer::ListTimeSamplesForPath, then
  // QueryTimeSample at each): times ascending, values[k] the sample at
  // times[k] (empty for a blocked sample). With no samples there, times is
  // empty and values[0] the default (empty when blocked). False when no
  // layer has either. The vectors are reused: their capacity stays.
  virtual bool ReadAll(const Prim& prim, const pxr::SdfPath& attr, std::vector<double>* times,
                       std::vector<pxr::VtValue>* values) const = 0;

  // TypeName is attr's type name (empty when no spec has one).
  virtual pxr::TfToken TypeName(const Prim& prim, const pxr::SdfPath& attr) const = 0;

 protected:
  std::string file_;
};

// LayerIdentifier is the identifier of the layer at path with the file
// format arguments a format's read options give: for "parquet", index and
// cache_budget (the usd-parquet plugin's arguments); other formats take
// none. opts may be null.
std::string LayerIdentifier(const std::string& path, const std::string& format, const JsObject* opts);

// OpenLayer opens path as one layer: SdfLayer::FindOrOpen. On failure it
// returns null and err names the file and OpenUSD's errors.
std::unique_ptr<Scene> OpenLayer(const std::string& path, std::string* err);

// OpenComposed opens base as the root layer of a layer stack, adds path as
// its sublayer and computes every prim index (what UsdStage::Open does),
// through a PcpCache in Usd mode.
std::unique_ptr<Scene> OpenComposed(const std::string& base, const std::string& path, std::string* err);

// Registered says whether the layer registry holds a layer for path, in
// which case SdfLayer::FindOrOpen would not read the file again.
bool Registered(const std::string& path);

// TypeCodeOf maps an attribute's type name to its digest type code, by the
// C++ type it holds (so roles such as color3f count as float3); kInvalid
// for types the digest does not cover.
TypeCode TypeCodeOf(const pxr::TfToken& typeName);

// AddValue adds one value to d, checking that it holds the C++ type its
// type code says; with at, as a value read at time *at (Digest::RecordAt).
bool AddValue(Digest& d, const std::string& path, const std::string& prop, TypeCode type,
              const pxr::VtValue& value, std::string* err, const double* at = nullptr);

// BlendSamples sets lower to OpenUSD's linear interpolation of two samples
// alpha of the way (0 < alpha < 1) from lower to upper, as
// UsdAttribute::Get computes it (usd/interpolators.cpp) with Gf's own
// arithmetic: GfLerp for half, float, double, SdfTimeCode, GfVec2-4
// (d, f, h) and GfMatrix2-4d, GfSlerp for GfQuat (d, f, h), element by
// element for VtArrays of those. Values of other types, of two different
// types, and arrays of different lengths are left alone (held). upper may
// be consumed.
void BlendSamples(double alpha, pxr::VtValue* lower, pxr::VtValue* upper);

// Blendable says whether BlendSamples blends values of value's type (the
// others hold the lower sample, whatever the upper one is, so a reader
// need not fetch it).
bool Blendable(const pxr::VtValue& value);

// ReadableFormats lists the file format extensions SdfFileFormat knows,
// plugins found through PXR_PLUGINPATH_NAME included, usdc and usda first.
std::vector<std::string> ReadableFormats();

// Warm does OpenUSD's one-time start-up (plugin registry, file formats,
// schema, asset resolver, worker threads) so that no open pays for it.
void Warm();

}  // namespace drv
