// libFuzzer target: one line of an agent's JSON-lines output, as the run
// reads it (parse_agent_line, and the sample record when it is one).
#include <cstdint>
#include <string_view>

#include "run/agent_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = latlab::run::parse_agent_line(line);
  if (parsed.ok() && parsed->type == latlab::run::AgentLine::Type::sample)
    (void)latlab::run::sample_from_json(parsed->json);
  return 0;
}
