// Values at a time (the request parameter "time", drivers/PROTOCOL.md) read
// from a Scene's sample columns and resolved as OpenUSD resolves
// UsdAttribute::Get(UsdTimeCode(t)) in one layer, exactly as runner's
// formats.TimeReader does (formats/timesamples.go): no samples, the
// default; at a sample's time, that sample; before the first or after the
// last, that one; between two, linear for float, double, their vectors and
// arrays of them (arrays of equal length; alpha 0 gives the lower sample,
// and for arrays alpha 1 the upper one as it is), held lower for the rest
// and for samples closer than 1e-6 (GfIsClose). A blocked (null) lower
// sample is no value; a blocked upper one holds the lower. Interpolation
// rounds as OpenUSD's Gf types do (formats.Lerp).
#pragma once

#include "scene.h"

#include <cstdint>
#include <string>
#include <vector>

namespace drv {

// Interpolates reports whether values of type t blend linearly between
// samples (formats.Interpolates, restricted to the types this driver
// reads).
bool Interpolates(TypeCode t);

// Blend holds the arrays an interpolation writes; a Value interpolated
// from arrays points into it until its next use.
struct Blend {
  std::vector<double> doubles;
  std::vector<float> floats;
};

// Lerp sets lo to alpha of the way from lo to hi (same type and length,
// Interpolates(lo->type)), rounded as formats.Lerp rounds; arrays are
// written into buf.
void Lerp(double alpha, Value* lo, const Value& hi, Blend* buf);

// Owner finds which of a property name's columns holds row's value (the
// one whose default is not null): *c = -1 when none does.
bool Owner(Scene* s, const std::vector<int>& cols, int64_t row, int* c, Value* v, std::string* err);

// ValueAt reads the value of the property with columns cols on row at time
// t into v (v->has false: no value); hi is scratch for the upper sample.
bool ValueAt(Scene* s, const std::vector<int>& cols, int64_t row, double t, Value* v, Value* hi, Blend* buf,
             std::string* err);

// EachSample calls fn(timed, time, value) for every sample of the property
// on row in time order (blocked ones skipped), or once with timed false
// for the default of a property without samples; nothing when row has no
// value.
template <typename F>
bool EachSample(Scene* s, const std::vector<int>& cols, int64_t row, Value* v, std::string* err, F fn) {
  int c;
  if (!Owner(s, cols, row, &c, v, err)) return false;
  if (c < 0) return true;
  const std::vector<double>& times = s->Times(c);
  if (times.empty()) {
    fn(false, 0.0, *v);
    return true;
  }
  for (size_t k = 0; k < times.size(); ++k) {
    if (!s->ReadSample(c, k, row, v, err)) return false;
    if (v->has) fn(true, times[k], *v);
  }
  return true;
}

}  // namespace drv
