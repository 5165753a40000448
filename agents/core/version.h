#pragma once

namespace latlab::agent {

inline constexpr const char* kAgentVersion = "0.1.0";

}  // namespace latlab::agent
