// JSON for the protocol's lines, on OpenUSD's own pxr/js (rapidjson inside):
// the driver already links it through Sdf, so it adds no dependency. These
// helpers check each field's type before reading it, because JsValue's
// getters raise coding errors on a wrong type.
#pragma once

#include <pxr/js/json.h>
#include <pxr/js/value.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace drv {

using pxr::JsObject;
using pxr::JsValue;
using pxr::JsWriter;

// Parse parses one request line into an object, or says why it cannot.
bool Parse(const std::string& line, JsObject* out, std::string* err);

// Field readers: absent fields leave *out alone and return true unless
// required; a field of the wrong type sets err and returns false.
bool GetString(const JsObject& o, const char* key, std::string* out, std::string* err, bool required = false);
bool GetInt(const JsObject& o, const char* key, int64_t* out, std::string* err, bool required = false);
bool GetBool(const JsObject& o, const char* key, bool* out, std::string* err);
bool GetStrings(const JsObject& o, const char* key, std::vector<std::string>* out, std::string* err, bool required = false);
bool GetInts(const JsObject& o, const char* key, std::vector<int64_t>* out, std::string* err);
bool GetObject(const JsObject& o, const char* key, const JsObject** out, std::string* err);

// Encode writes one JSON object whose fields body writes, as one line
// without the newline.
std::string Encode(const std::function<void(JsWriter&)>& body);

// Clip shortens s for a message.
std::string Clip(const std::string& s, size_t n = 120);

}  // namespace drv
