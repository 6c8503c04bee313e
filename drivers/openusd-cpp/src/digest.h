// The protocol's digest (drivers/PROTOCOL.md, "The digest"): XXH64, seed 0,
// over a little-endian encoding of every (path, property, value) read (a
// value read at a time with u8 255 and the f64 time after the property), on
// Debian's libxxhash. Values are typed by TypeCode.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the digest encoding is written for little-endian hosts");

namespace drv {

// Type codes of the digest encoding.
enum TypeCode : uint8_t {
  kInvalid = 0,
  kDouble = 1,
  kFloat = 2,
  kInt = 3,
  kInt64 = 4,
  kBool = 5,
  kString = 6,
  kToken = 7,
  kFloat3 = 8,
  kDouble3 = 9,
  kDoubleArray = 10,
  kFloatArray = 11,
  kIntArray = 12,
  kFloat3Array = 13,
};

// kTimeMarker precedes the time of a value read at a time: no type code
// takes it.
constexpr uint8_t kTimeMarker = 255;

// Digest streams the encoding into XXH64 through a small buffer.
class Digest {
 public:
  Digest() : state_(XXH64_createState()) { Reset(); }
  ~Digest() { XXH64_freeState(state_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Reset() {
    XXH64_reset(state_, 0);
    len_ = 0;
    count_ = 0;
  }

  // Record starts one value: path, property and type code. The value's
  // bytes follow through the typed writers below.
  void Record(const std::string& path, const std::string& prop, TypeCode t) {
    ++count_;
    Str(path);
    Str(prop);
    U8(t);
  }

  // RecordAt starts one value read at time t: path, property, the time
  // marker 255, t, then the type code.
  void RecordAt(const std::string& path, const std::string& prop, double t, TypeCode type) {
    ++count_;
    Str(path);
    Str(prop);
    U8(kTimeMarker);
    F64(t);
    U8(type);
  }

  void Bytes(const void* p, size_t n) {
    if (len_ + n > sizeof(buf_)) {
      Flush();
      if (n > sizeof(buf_)) {
        XXH64_update(state_, p, n);
        return;
      }
    }
    std::memcpy(buf_ + len_, p, n);
    len_ += n;
  }
  void U8(uint8_t v) { Bytes(&v, 1); }
  void U32(uint32_t v) { Bytes(&v, 4); }
  void I32(int32_t v) { Bytes(&v, 4); }
  void I64(int64_t v) { Bytes(&v, 8); }
  void F32(float v) { Bytes(&v, 4); }
  void F64(double v) { Bytes(&v, 8); }
  void Str(const std::string& s) {
    U32(uint32_t(s.size()));
    Bytes(s.data(), s.size());
  }

  uint64_t Sum() {
    Flush();
    return XXH64_digest(state_);
  }
  int64_t Count() const { return count_; }

 private:
  void Flush() {
    if (len_) XXH64_update(state_, buf_, len_);
    len_ = 0;
  }

  XXH64_state_t* state_;
  unsigned char buf_[16384];
  size_t len_ = 0;
  int64_t count_ = 0;
};

// Combine is the digest of a traversal read over several threads: XXH64 of
// the chunk digests as little-endian u64s, in chunk order.
inline uint64_t Combine(const std::vector<uint64_t>& sums) {
  return XXH64(sums.data(), sums.size() * sizeof(uint64_t), 0);
}

// Hex writes a digest as 16 lowercase hex digits.
inline std::string Hex(uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace drv
