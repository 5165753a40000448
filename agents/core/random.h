#pragma once

#include <cstdint>

namespace latlab::agent {

// getrandom(2); falls back to time and pid mixing if it is unavailable.
std::uint64_t random_u64();

}  // namespace latlab::agent
