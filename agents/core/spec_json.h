// The spec object the orchestrator may pass on stdin: one flat JSON object
// whose keys are long option names and whose values are strings, numbers or
// booleans, e.g. {"target":"198.18.0.2","count":100,"interval":"1ms"}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace latlab::agent {

struct SpecEntry {
  enum class Kind { string, number, boolean };
  std::string key;
  Kind kind = Kind::string;
  std::string text;  // string contents, number literal, "true"/"false"
};

// Strict: exactly one object, no nesting, no duplicate keys, nothing after it
// but whitespace. Errors read "spec: line L column C: <cause>".
Result<std::vector<SpecEntry>> parse_spec_json(std::string_view text);

}  // namespace latlab::agent
