// libFuzzer target: one line of an agent's JSON-lines output, as the run
// reads it: parse_agent_line, then the reader for its type (a sample record,
// a header's clock and identifier, a summary's counts, an error's message).
// None may throw or crash, whatever the line holds.
#include <cstdint>
#include <string_view>

#include "run/agent_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using latlab::run::AgentLine;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = latlab::run::parse_agent_line(line);
  if (!parsed.ok()) return 0;
  // Every reader, whatever the type says: a run reads each by type, but a
  // reader must hold for any object.
  (void)latlab::run::sample_from_json(parsed->json);
  (void)latlab::run::header_from_json(parsed->json);
  (void)latlab::run::summary_from_json(parsed->json);
  (void)latlab::run::error_message_of(parsed->json, "error");
  return 0;
}
