// Which sysctls are per network namespace (safe in a lab node) and which change
// the whole machine. Unknown names count as global: the safe side.
#pragma once

#include <string_view>

namespace latlab::scenario {

bool sysctl_is_per_netns(std::string_view name);
// Letters, digits, '_', '-' in dot-separated parts; no "..", no "/".
bool sysctl_name_valid(std::string_view name);

}  // namespace latlab::scenario
