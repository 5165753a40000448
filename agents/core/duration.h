// Durations on the command line: a non-negative decimal number with a unit
// (ns, us, ms, s), or a bare 0. "1.5ms" is 1500000 ns.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace latlab::agent {

// `what` names the option in the error ("--interval").
Result<std::int64_t> parse_duration(std::string_view what, std::string_view text);
// "200us", "1ms", "1s", "1500ns" -- the largest unit that divides exactly.
std::string format_duration(std::int64_t ns);

}  // namespace latlab::agent
