// JSON for the protocol's lines and the files' scene metadata. Arrow C++
// from the pyarrow wheel exposes no general JSON parser, so this is a small
// strict one: objects, arrays, strings (with \u escapes), numbers, true,
// false, null; nesting bounded so that a hostile line cannot overflow the
// stack. Arrays of integers are kept as plain int64 vectors, since a random
// traversal's request carries one index per prim.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drv {

class Json {
 public:
  enum Kind { Null, Bool, Number, String, Array, Object };

  Kind kind() const { return kind_; }
  const char* KindName() const;
  bool IsNull() const { return kind_ == Null; }

  bool boolean = false;
  double number = 0;
  bool integral = false;  // number holds an integer, also in integer
  int64_t integer = 0;
  std::string str;
  // Arrays: ints when every element is an integer, items otherwise.
  std::vector<int64_t> ints;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;

  // Find returns the field key of an object, or null when absent or null.
  const Json* Find(std::string_view key) const;

  // Parse reads one JSON value filling all of text, or says why not.
  static bool Parse(std::string_view text, Json* out, std::string* err);

 private:
  friend class Parser;
  Kind kind_ = Null;
};

// Field readers: absent fields leave *out alone and return true unless
// required; a field of the wrong type sets err and returns false.
bool GetString(const Json& o, const char* key, std::string* out, std::string* err, bool required = false);
bool GetInt(const Json& o, const char* key, int64_t* out, std::string* err, bool required = false);
bool GetBool(const Json& o, const char* key, bool* out, std::string* err);
bool GetStrings(const Json& o, const char* key, std::vector<std::string>* out, std::string* err,
                bool required = false);
bool GetInts(const Json& o, const char* key, std::vector<int64_t>* out, std::string* err);
bool GetObject(const Json& o, const char* key, const Json** out, std::string* err);

// Writer builds one JSON object line.
class Writer {
 public:
  Writer() { s_ = "{"; }
  Writer& Str(const char* key, std::string_view v);
  Writer& Int(const char* key, int64_t v);
  Writer& Num(const char* key, double v);
  Writer& Bool(const char* key, bool v);
  // Raw adds a value already encoded as JSON.
  Writer& Raw(const char* key, std::string_view json);
  std::string Done() { return s_ + "}"; }

  // Quote encodes s as a JSON string.
  static std::string Quote(std::string_view s);

 private:
  void Key(const char* key);
  std::string s_;
};

// Clip shortens s for a message.
std::string Clip(std::string_view s, size_t n = 120);

}  // namespace drv
