// libFuzzer target: the `perf script` folder (the flame graph's input), line
// by line as the capture feeds it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "run/perf_fold.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  latlab::run::PerfFolder folder;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    folder.feed_line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  folder.finish();
  int64_t weight = 0;
  for (const auto& s : folder.stacks()) weight += s.weight;
  if (weight != folder.total_weight()) std::abort();  // every sample's weight is in one stack
  return 0;
}
