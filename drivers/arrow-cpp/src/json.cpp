#include "json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace drv {

// maxDepth bounds nesting: requests nest three deep, scene metadata four.
constexpr int maxDepth = 64;

const char* Json::KindName() const {
  switch (kind_) {
    case Null: return "null";
    case Bool: return "a boolean";
    case Number: return "a number";
    case String: return "a string";
    case Array: return "an array";
    case Object: return "an object";
  }
  return "?";
}

const Json* Json::Find(std::string_view key) const {
  if (kind_ != Object) return nullptr;
  for (const auto& f : fields)
    if (f.first == key) return f.second.IsNull() ? nullptr : &f.second;
  return nullptr;
}

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  bool Document(Json* out, std::string* err) {
    if (!Value(out, 0)) {
      *err = err_ + " at byte " + std::to_string(p_);
      return false;
    }
    Space();
    if (p_ != t_.size()) {
      *err = "text after the JSON value at byte " + std::to_string(p_);
      return false;
    }
    return true;
  }

 private:
  bool Fail(const char* what) {
    if (err_.empty()) err_ = what;
    return false;
  }
  void Space() {
    while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r')) ++p_;
  }
  bool Lit(std::string_view w) {
    if (t_.substr(p_, w.size()) != w) return Fail("invalid literal");
    p_ += w.size();
    return true;
  }

  bool Value(Json* v, int depth) {
    if (depth > maxDepth) return Fail("JSON nested too deeply");
    Space();
    if (p_ >= t_.size()) return Fail("unexpected end of JSON");
    switch (t_[p_]) {
      case '{': return ObjectValue(v, depth);
      case '[': return ArrayValue(v, depth);
      case '"':
        v->kind_ = Json::String;
        return StringValue(&v->str);
      case 't':
        v->kind_ = Json::Bool;
        v->boolean = true;
        return Lit("true");
      case 'f':
        v->kind_ = Json::Bool;
        return Lit("false");
      case 'n':
        v->kind_ = Json::Null;
        return Lit("null");
      default: return NumberValue(v);
    }
  }

  bool ObjectValue(Json* v, int depth) {
    v->kind_ = Json::Object;
    ++p_;
    Space();
    if (p_ < t_.size() && t_[p_] == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      Space();
      if (p_ >= t_.size() || t_[p_] != '"') return Fail("expected a field name");
      std::string key;
      if (!StringValue(&key)) return false;
      Space();
      if (p_ >= t_.size() || t_[p_] != ':') return Fail("expected ':'");
      ++p_;
      v->fields.emplace_back(std::move(key), Json());
      if (!Value(&v->fields.back().second, depth + 1)) return false;
      Space();
      if (p_ < t_.size() && t_[p_] == ',') {
        ++p_;
        continue;
      }
      if (p_ < t_.size() && t_[p_] == '}') {
        ++p_;
        return true;
      }
      return Fail("expected ',' or '}'");
    }
  }

  bool ArrayValue(Json* v, int depth) {
    v->kind_ = Json::Array;
    ++p_;
    Space();
    if (p_ < t_.size() && t_[p_] == ']') {
      ++p_;
      return true;
    }
    bool allInts = true;
    for (;;) {
      Json e;
      if (!Value(&e, depth + 1)) return false;
      if (allInts && e.kind_ == Json::Number && e.integral) {
        v->ints.push_back(e.integer);
      } else {
        if (allInts) {  // the first element that is not an integer
          for (int64_t i : v->ints) {
            Json n;
            n.kind_ = Json::Number;
            n.integral = true;
            n.integer = i;
            n.number = double(i);
            v->items.push_back(std::move(n));
          }
          std::vector<int64_t>().swap(v->ints);
          allInts = false;
        }
        v->items.push_back(std::move(e));
      }
      Space();
      if (p_ < t_.size() && t_[p_] == ',') {
        ++p_;
        continue;
      }
      if (p_ < t_.size() && t_[p_] == ']') {
        ++p_;
        return true;
      }
      return Fail("expected ',' or ']'");
    }
  }

  static void Utf8(std::string* s, uint32_t c) {
    if (c < 0x80) {
      s->push_back(char(c));
    } else if (c < 0x800) {
      s->push_back(char(0xC0 | (c >> 6)));
      s->push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      s->push_back(char(0xE0 | (c >> 12)));
      s->push_back(char(0x80 | ((c >> 6) & 0x3F)));
      s->push_back(char(0x80 | (c & 0x3F)));
    } else {
      s->push_back(char(0xF0 | (c >> 18)));
      s->push_back(char(0x80 | ((c >> 12) & 0x3F)));
      s->push_back(char(0x80 | ((c >> 6) & 0x3F)));
      s->push_back(char(0x80 | (c & 0x3F)));
    }
  }

  bool Hex4(uint32_t* out) {
    if (p_ + 4 > t_.size()) return Fail("short \\u escape");
    uint32_t c = 0;
    for (int i = 0; i < 4; ++i) {
      char h = t_[p_++];
      c <<= 4;
      if (h >= '0' && h <= '9') c |= uint32_t(h - '0');
      else if (h >= 'a' && h <= 'f') c |= uint32_t(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') c |= uint32_t(h - 'A' + 10);
      else return Fail("bad \\u escape");
    }
    *out = c;
    return true;
  }

  bool StringValue(std::string* s) {
    ++p_;  // the opening quote
    for (;;) {
      if (p_ >= t_.size()) return Fail("unterminated string");
      char c = t_[p_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in a string");
      if (c != '\\') {
        s->push_back(c);
        continue;
      }
      if (p_ >= t_.size()) return Fail("unterminated string");
      switch (char e = t_[p_++]) {
        case '"': case '\\': case '/': s->push_back(e); break;
        case 'b': s->push_back('\b'); break;
        case 'f': s->push_back('\f'); break;
        case 'n': s->push_back('\n'); break;
        case 'r': s->push_back('\r'); break;
        case 't': s->push_back('\t'); break;
        case 'u': {
          uint32_t u;
          if (!Hex4(&u)) return false;
          if (u >= 0xD800 && u < 0xDC00) {  // a surrogate pair
            uint32_t lo;
            if (t_.substr(p_, 2) != "\\u") return Fail("unpaired surrogate");
            p_ += 2;
            if (!Hex4(&lo)) return false;
            if (lo < 0xDC00 || lo >= 0xE000) return Fail("unpaired surrogate");
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          } else if (u >= 0xDC00 && u < 0xE000) {
            return Fail("unpaired surrogate");
          }
          Utf8(s, u);
          break;
        }
        default: return Fail("bad escape");
      }
    }
  }

  bool NumberValue(Json* v) {
    size_t start = p_;
    if (p_ < t_.size() && t_[p_] == '-') ++p_;
    bool frac = false;
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c >= '0' && c <= '9') {
        ++p_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        frac = true;
        ++p_;
      } else {
        break;
      }
    }
    std::string_view num = t_.substr(start, p_ - start);
    if (num.empty() || num == "-") return Fail("expected a JSON value");
    v->kind_ = Json::Number;
    if (!frac) {
      auto r = std::from_chars(num.data(), num.data() + num.size(), v->integer);
      if (r.ec == std::errc() && r.ptr == num.data() + num.size()) {
        v->integral = true;
        v->number = double(v->integer);
        return true;
      }
    }
    std::string copy(num);
    char* end = nullptr;
    v->number = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(v->number)) return Fail("bad number");
    // Some encoders write whole numbers as 1e6.
    if (v->number == std::floor(v->number) && std::fabs(v->number) <= 9.0e18) {
      v->integral = true;
      v->integer = int64_t(v->number);
    }
    return true;
  }

  std::string_view t_;
  size_t p_ = 0;
  std::string err_;
};

bool Json::Parse(std::string_view text, Json* out, std::string* err) {
  *out = Json();
  return Parser(text).Document(out, err);
}

static bool missing(const char* key, std::string* err, bool required) {
  if (required) *err = std::string("missing field \"") + key + "\"";
  return !required;
}

static bool wrong(const char* key, const char* want, const Json& v, std::string* err) {
  *err = std::string("field \"") + key + "\" is " + v.KindName() + ", not " + want;
  return false;
}

bool GetString(const Json& o, const char* key, std::string* out, std::string* err, bool required) {
  const Json* v = o.Find(key);
  if (!v) return missing(key, err, required);
  if (v->kind() != Json::String) return wrong(key, "a string", *v, err);
  *out = v->str;
  return true;
}

bool GetInt(const Json& o, const char* key, int64_t* out, std::string* err, bool required) {
  const Json* v = o.Find(key);
  if (!v) return missing(key, err, required);
  if (v->kind() != Json::Number || !v->integral) return wrong(key, "an integer", *v, err);
  *out = v->integer;
  return true;
}

bool GetBool(const Json& o, const char* key, bool* out, std::string* err) {
  const Json* v = o.Find(key);
  if (!v) return true;
  if (v->kind() != Json::Bool) return wrong(key, "a boolean", *v, err);
  *out = v->boolean;
  return true;
}

bool GetStrings(const Json& o, const char* key, std::vector<std::string>* out, std::string* err, bool required) {
  const Json* v = o.Find(key);
  if (!v) return missing(key, err, required);
  if (v->kind() != Json::Array || !v->ints.empty()) return wrong(key, "an array of strings", *v, err);
  out->clear();
  for (const Json& e : v->items) {
    if (e.kind() != Json::String) return wrong(key, "an array of strings", *v, err);
    out->push_back(e.str);
  }
  return true;
}

bool GetInts(const Json& o, const char* key, std::vector<int64_t>* out, std::string* err) {
  const Json* v = o.Find(key);
  if (!v) return true;
  if (v->kind() != Json::Array || !v->items.empty()) return wrong(key, "an array of integers", *v, err);
  *out = v->ints;
  return true;
}

bool GetObject(const Json& o, const char* key, const Json** out, std::string* err) {
  const Json* v = o.Find(key);
  if (!v) return true;
  if (v->kind() != Json::Object) return wrong(key, "an object", *v, err);
  *out = v;
  return true;
}

void Writer::Key(const char* key) {
  if (s_.size() > 1) s_ += ',';
  s_ += Quote(key);
  s_ += ':';
}

Writer& Writer::Str(const char* key, std::string_view v) {
  Key(key);
  s_ += Quote(v);
  return *this;
}

Writer& Writer::Int(const char* key, int64_t v) {
  Key(key);
  s_ += std::to_string(v);
  return *this;
}

Writer& Writer::Num(const char* key, double v) {
  Key(key);
  if (!std::isfinite(v)) v = -1;  // never happens for times; runner refuses it
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  s_ += b;
  return *this;
}

Writer& Writer::Bool(const char* key, bool v) {
  Key(key);
  s_ += v ? "true" : "false";
  return *this;
}

Writer& Writer::Raw(const char* key, std::string_view json) {
  Key(key);
  s_ += json;
  return *this;
}

std::string Writer::Quote(std::string_view s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", unsigned(c));
          o += b;
        } else {
          o += c;
        }
    }
  }
  return o + "\"";
}

std::string Clip(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, n)) + "...";
}

}  // namespace drv
