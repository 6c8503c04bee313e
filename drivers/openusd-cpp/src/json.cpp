#include "json.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace drv {

// maxDepth bounds how deeply a request may nest: the parser recurses, and a
// line of a million '[' would overflow the stack. Requests nest two deep.
constexpr int maxDepth = 64;

// tooDeep says whether line nests arrays and objects deeper than maxDepth,
// outside strings.
static bool tooDeep(const std::string& line) {
  int depth = 0;
  bool str = false, esc = false;
  for (char c : line) {
    if (str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') str = false;
    } else if (c == '"') {
      str = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

bool Parse(const std::string& line, JsObject* out, std::string* err) {
  if (tooDeep(line)) {
    *err = "JSON nested more than " + std::to_string(maxDepth) + " deep: " + Clip(line, 40);
    return false;
  }
  pxr::JsParseError perr;
  JsValue v = pxr::JsParseString(line, &perr);
  if (v.IsNull()) {
    *err = "not JSON (" + perr.reason + " at column " + std::to_string(perr.column) + "): " + Clip(line);
    return false;
  }
  if (!v.IsObject()) {
    *err = "not a JSON object: " + Clip(line);
    return false;
  }
  *out = v.GetJsObject();
  return true;
}

static const JsValue* find(const JsObject& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->second.IsNull()) return nullptr;
  return &it->second;
}

static bool missing(const char* key, std::string* err, bool required) {
  if (required) *err = std::string("missing field \"") + key + "\"";
  return !required;
}

static bool wrong(const char* key, const char* want, const JsValue& v, std::string* err) {
  *err = std::string("field \"") + key + "\" is " + v.GetTypeName() + ", not " + want;
  return false;
}

// asInt accepts a JSON integer, or a real with an integral value (some
// encoders write 1e6).
static bool asInt(const JsValue& v, int64_t* out) {
  if (v.IsUInt64()) {
    uint64_t u = v.GetUInt64();
    if (u > uint64_t(std::numeric_limits<int64_t>::max())) return false;
    *out = int64_t(u);
    return true;
  }
  if (v.IsInt()) {
    *out = v.GetInt64();
    return true;
  }
  if (v.IsReal()) {
    double d = v.GetReal();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e18) return false;
    *out = int64_t(d);
    return true;
  }
  return false;
}

bool GetString(const JsObject& o, const char* key, std::string* out, std::string* err, bool required) {
  const JsValue* v = find(o, key);
  if (!v) return missing(key, err, required);
  if (!v->IsString()) return wrong(key, "a string", *v, err);
  *out = v->GetString();
  return true;
}

bool GetInt(const JsObject& o, const char* key, int64_t* out, std::string* err, bool required) {
  const JsValue* v = find(o, key);
  if (!v) return missing(key, err, required);
  if (!asInt(*v, out)) return wrong(key, "an integer", *v, err);
  return true;
}

bool GetBool(const JsObject& o, const char* key, bool* out, std::string* err) {
  const JsValue* v = find(o, key);
  if (!v) return true;
  if (!v->IsBool()) return wrong(key, "a boolean", *v, err);
  *out = v->GetBool();
  return true;
}

bool GetStrings(const JsObject& o, const char* key, std::vector<std::string>* out, std::string* err,
                bool required) {
  const JsValue* v = find(o, key);
  if (!v) return missing(key, err, required);
  if (!v->IsArray()) return wrong(key, "an array of strings", *v, err);
  out->clear();
  for (const JsValue& e : v->GetJsArray()) {
    if (!e.IsString()) return wrong(key, "an array of strings", *v, err);
    out->push_back(e.GetString());
  }
  return true;
}

bool GetInts(const JsObject& o, const char* key, std::vector<int64_t>* out, std::string* err) {
  const JsValue* v = find(o, key);
  if (!v) return true;
  if (!v->IsArray()) return wrong(key, "an array of integers", *v, err);
  const auto& a = v->GetJsArray();
  out->clear();
  out->reserve(a.size());
  for (const JsValue& e : a) {
    int64_t i;
    if (!asInt(e, &i)) return wrong(key, "an array of integers", *v, err);
    out->push_back(i);
  }
  return true;
}

bool GetObject(const JsObject& o, const char* key, const JsObject** out, std::string* err) {
  const JsValue* v = find(o, key);
  if (!v) return true;
  if (!v->IsObject()) return wrong(key, "an object", *v, err);
  *out = &v->GetJsObject();
  return true;
}

std::string Encode(const std::function<void(JsWriter&)>& body) {
  std::ostringstream s;
  {
    JsWriter w(s);
    w.BeginObject();
    body(w);
    w.EndObject();
  }
  return s.str();
}

std::string Clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  return s.substr(0, n) + "...";
}

}  // namespace drv
