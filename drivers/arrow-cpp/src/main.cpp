// arrow-cpp: a runner driver (drivers/PROTOCOL.md, version 1) that reads
// runner's Parquet files with Arrow C++'s Parquet reader, from the pyarrow
// wheel. JSON lines on stdin and stdout; stderr is free.
#include "json.h"
#include "steps.h"

#include <csignal>
#include <cstdio>
#include <iostream>

int main() {
  std::ios::sync_with_stdio(false);
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout shows as a failed write
  // Arrow's one-time start-up happens before hello, so that runner counts
  // it as the driver's start-up and no step pays for it.
  drv::Warm();
  drv::Wire wire;
  drv::Session session(&wire);
  wire.Send(drv::Hello());

  std::string line;
  while (wire.Next(&line)) {
    std::string type, err;
    drv::Json step;
    bool isStep = false;
    {
      drv::Json req;
      if (!drv::Json::Parse(line, &req, &err) || req.kind() != drv::Json::Object ||
          !drv::GetString(req, "type", &type, &err, true)) {
        session.Error("", "bad request: " + (err.empty() ? "not a JSON object: " + drv::Clip(line) : err));
        continue;
      }
      if (type == "step") {
        const drv::Json* s = nullptr;
        if (!drv::GetObject(req, "step", &s, &err) || !s) {
          session.Error("", "step request without a step" + (err.empty() ? "" : ": " + err));
          continue;
        }
        step = std::move(*const_cast<drv::Json*>(s));
        isStep = true;
      }
    }
    // A traversal request can carry a million indices: keep neither the
    // line nor the parsed request in memory while the step runs.
    const bool big = line.size() > (64 << 10);
    std::string().swap(line);
    if (isStep) {
      session.Run(std::move(step), big);
    } else if (type == "close") {
      session.Close();
      wire.Send(drv::Writer().Str("type", "closed").Done());
    } else {
      session.Error("", "unexpected request \"" + type + "\"");
    }
  }
  session.Close();
  return 0;
}
