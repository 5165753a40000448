// The agent's JSON lines (agents/README.md): header, sample, summary, error.
// An agent's output is read as untrusted input: whatever a line holds, these
// readers return a value or an error, never throw.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/records.h"
#include "util/result.h"

namespace latlab::run {

struct AgentLine {
  enum class Type { header, sample, summary, error, other };
  Type type = Type::other;
  nlohmann::json json;
};

// What the run takes from a header line.
struct AgentHeader {
  std::optional<int64_t> clock_offset_ns;  // clock.realtime_minus_monotonic_ns
  std::optional<uint32_t> icmp_ident;      // socket.identifier
};

// What the run takes from a summary line (a count that is missing or not a
// count reads 0).
struct AgentSummary {
  uint64_t sent = 0, received = 0, lost = 0, warmup = 0;
  std::optional<int64_t> clock_offset_end_ns;  // clock_end.realtime_minus_monotonic_ns
};

// Parses one line; a line that is not a JSON object is an error.
Result<AgentLine> parse_agent_line(std::string_view line);
// A sample line as a store record (missing or null times stay empty; a time
// that is not an integer of ns, or a warmup that is not a bool, is an error).
Result<store::SampleRecord> sample_from_json(const nlohmann::json& j);
AgentHeader header_from_json(const nlohmann::json& j);
AgentSummary summary_from_json(const nlohmann::json& j);
// An error line's message, or `fallback` when it has none that is a string.
std::string error_message_of(const nlohmann::json& j, const std::string& fallback);

}  // namespace latlab::run
