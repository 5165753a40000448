// libFuzzer target: the scenario reader and validator (parse, resolve,
// validate), on any bytes. Nothing here touches the machine: uplinks are
// given (none), hosts are names only.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenario/load.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("LATLAB_UPLINKS", "", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = latlab::scenario::load_scenario_text(text, "fuzz.json");
  // A result is a lab or at least one error, never both, never neither.
  if (r.ok() == !r.errors.empty()) std::abort();
  for (const auto& e : r.errors)
    if (e.str().find('\n') != std::string::npos) std::abort();  // one line each
  return 0;
}
