// openusd-cpp: a runner driver (drivers/PROTOCOL.md, version 1) that reads
// usdc, usda and any format a plugin registers through OpenUSD's C++ Sdf
// and Pcp libraries. JSON lines on stdin and stdout; stderr is free.
#include "json.h"
#include "scene.h"
#include "steps.h"

#include <csignal>
#include <cstdio>
#include <iostream>

int main() {
  std::ios::sync_with_stdio(false);
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout shows as a failed write
  // OpenUSD's one-time start-up happens before hello, so that runner
  // counts it as the driver's start-up and no step pays for it.
  drv::Warm();
  drv::Wire wire;
  drv::Session session(&wire);
  wire.Send(drv::Hello(session.formats()));

  std::string line;
  while (wire.Next(&line)) {
    std::string type, err;
    drv::JsObject step;
    bool isStep = false;
    {
      drv::JsObject req;
      if (!drv::Parse(line, &req, &err) || !drv::GetString(req, "type", &type, &err, true)) {
        session.Error("", "bad request: " + err);
        continue;
      }
      const drv::JsObject* s = nullptr;
      if (type == "step") {
        if (!drv::GetObject(req, "step", &s, &err) || !s) {
          session.Error("", "step request without a step" + (err.empty() ? "" : ": " + err));
          continue;
        }
        step = *s;  // shares the parsed values
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
      wire.Send(drv::Encode([](drv::JsWriter& w) { w.WriteKeyValue("type", "closed"); }));
    } else {
      session.Error("", "unexpected request \"" + type + "\"");
    }
  }
  session.Close();
  return 0;
}
