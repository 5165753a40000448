// libFuzzer target: the trace parser (tracefs text lines, and raw stamp lines).
#include <cstdint>
#include <string_view>

#include "run/trace_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    (void)latlab::run::parse_trace_line(line);
    (void)latlab::run::parse_raw_trace_line(line);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return 0;
}
