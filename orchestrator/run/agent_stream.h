// The agent's JSON lines (agents/README.md): header, sample, summary, error.
#pragma once

#include <nlohmann/json.hpp>

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

// Parses one line; a line that is not a JSON object is an error.
Result<AgentLine> parse_agent_line(std::string_view line);
// A sample line as a store record (missing or null times stay empty).
Result<store::SampleRecord> sample_from_json(const nlohmann::json& j);

}  // namespace latlab::run
