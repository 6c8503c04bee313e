// The protocol's conversation (drivers/PROTOCOL.md) and its three ops, as
// the openusd-cpp driver answers them: a Session answers one step at a
// time — prepare (outside the figures), ready, the timed part under
// std::chrono::steady_clock (with probes), measured, the untimed digest,
// result — and any failure becomes an error message while the session goes
// on serving.
#pragma once

#include "json.h"
#include "scene.h"

#include <cstdint>
#include <memory>
#include <string>

namespace drv {

// Wire is the driver's stdin and stdout: one JSON object per line.
class Wire {
 public:
  // Send writes one line and flushes.
  void Send(const std::string& line);
  // Next returns the next non-blank request line; false at end of input.
  bool Next(std::string* line);
  // AwaitGo reads runner's go. Another request in its place is kept for
  // Next and reported in err. At end of input the driver exits: runner is
  // gone.
  bool AwaitGo(std::string* err);

 private:
  std::string pending_;
  bool hasPending_ = false;
};

class Session {
 public:
  explicit Session(Wire* wire);
  ~Session();

  // Run answers one step request (the "step" object); big says to hand
  // the memory of a large request back to the system before ready.
  void Run(Json step, bool big = false);
  // Close releases the open file.
  void Close() { scene_.reset(); }
  // Error sends an error message for step.
  void Error(const std::string& step, const std::string& message);

  Wire* wire() const { return wire_; }
  int64_t clockNs() const { return clockNs_; }
  std::unique_ptr<Scene>& scene() { return scene_; }

 private:
  Wire* wire_;
  int64_t clockNs_;  // the clock's own cost, taken off every timing
  std::unique_ptr<Scene> scene_;
};

// Hello is the driver's first line.
std::string Hello();

// Warm does Arrow's one-time start-up (memory pool, codecs, the Parquet
// reader's first use) on a small file in memory, so that no step pays it.
void Warm();

}  // namespace drv
