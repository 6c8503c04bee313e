#include "timed.h"

#include <algorithm>
#include <cmath>

namespace drv {

bool Interpolates(TypeCode t) {
  switch (t) {
    case kDouble:
    case kFloat:
    case kFloat3:
    case kDouble3:
    case kDoubleArray:
    case kFloatArray:
    case kFloat3Array: return true;
    default: return false;
  }
}

namespace {

// kCloseTimes is GfIsClose's epsilon in Usd's interpolation: bracketing
// samples closer than this hold the lower one (formats.TimeReader).
constexpr double kCloseTimes = 1e-6;

// lerpVecf is one component of GfLerp on a GfVec3f: each product rounded to
// float (GfVec3f *= double), then the sum taken in float.
inline float lerpVecf(double a, double alpha, float x, float y) {
  return float(a * double(x)) + float(alpha * double(y));
}

}  // namespace

// The arithmetic is formats.Lerp's, operation for operation (built with
// -ffp-contract=off, so no product is fused into a sum).
void Lerp(double alpha, Value* lo, const Value& hi, Blend* buf) {
  const double a = 1 - alpha;
  switch (lo->type) {
    case kDouble: lo->f64 = a * lo->f64 + alpha * hi.f64; break;
    // A float scalar blends in double, rounded once.
    case kFloat: lo->f32 = float(a * double(lo->f32) + alpha * double(hi.f32)); break;
    case kDouble3:
      for (int i = 0; i < 3; ++i) lo->d3[i] = a * lo->d3[i] + alpha * hi.d3[i];
      break;
    case kFloat3:
      for (int i = 0; i < 3; ++i) lo->f3[i] = lerpVecf(a, alpha, lo->f3[i], hi.f3[i]);
      break;
    case kDoubleArray: {
      const auto* x = static_cast<const double*>(lo->data);
      const auto* y = static_cast<const double*>(hi.data);
      buf->doubles.resize(size_t(lo->len));
      for (int64_t i = 0; i < lo->len; ++i) buf->doubles[size_t(i)] = a * x[i] + alpha * y[i];
      lo->data = buf->doubles.data();
      break;
    }
    case kFloatArray: {
      const auto* x = static_cast<const float*>(lo->data);
      const auto* y = static_cast<const float*>(hi.data);
      buf->floats.resize(size_t(lo->len));
      for (int64_t i = 0; i < lo->len; ++i) buf->floats[size_t(i)] = float(a * double(x[i]) + alpha * double(y[i]));
      lo->data = buf->floats.data();
      break;
    }
    case kFloat3Array: {
      const auto* x = static_cast<const float*>(lo->data);
      const auto* y = static_cast<const float*>(hi.data);
      const size_t n = 3 * size_t(lo->len);
      buf->floats.resize(n);
      for (size_t i = 0; i < n; ++i) buf->floats[i] = lerpVecf(a, alpha, x[i], y[i]);
      lo->data = buf->floats.data();
      break;
    }
    default: break;
  }
}

bool Owner(Scene* s, const std::vector<int>& cols, int64_t row, int* c, Value* v, std::string* err) {
  *c = -1;
  for (int k : cols) {
    if (!s->Read(k, row, v, err)) return false;
    if (v->has) {
      *c = k;
      return true;
    }
  }
  return true;
}

bool ValueAt(Scene* s, const std::vector<int>& cols, int64_t row, double t, Value* v, Value* hi, Blend* buf,
             std::string* err) {
  int c;
  if (!Owner(s, cols, row, &c, v, err)) return false;
  if (c < 0) return true;
  const std::vector<double>& times = s->Times(c);
  if (times.empty()) return true;  // the default, at every time
  // The first sample at or after t.
  const size_t i = size_t(std::lower_bound(times.begin(), times.end(), t) - times.begin());
  if (i < times.size() && times[i] == t) return s->ReadSample(c, i, row, v, err);
  if (i == 0) return s->ReadSample(c, 0, row, v, err);
  if (i == times.size()) return s->ReadSample(c, i - 1, row, v, err);
  if (!s->ReadSample(c, i - 1, row, v, err)) return false;
  const double t0 = times[i - 1], t1 = times[i];
  // Blocked; or held: a type that does not blend, or samples closer than
  // GfIsClose's 1e-6 (usd/interpolators.cpp).
  if (!v->has || !Interpolates(v->type) || std::fabs(t0 - t1) < kCloseTimes) return true;
  const double alpha = (t - t0) / (t1 - t0);
  if (alpha == 0) return true;
  if (!s->ReadSample(c, i, row, hi, err)) return false;
  const bool array = v->type == kDoubleArray || v->type == kFloatArray || v->type == kFloat3Array;
  if (!hi->has || hi->type != v->type || (array && hi->len != v->len)) return true;  // held
  if (alpha == 1 && array) {
    *v = *hi;  // OpenUSD takes the upper array whole
    return true;
  }
  Lerp(alpha, v, *hi, buf);
  return true;
}

}  // namespace drv
