// The Internet checksum (RFC 1071), with partial sums for pseudo-headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace latlab::agent {

// Adds the 16-bit big-endian words of `data` to `sum` (odd tail padded with 0).
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum = 0);
// Folds the carries and returns the one's complement, in host order.
std::uint16_t checksum_finish(std::uint32_t sum);
// checksum_finish(checksum_add(data)).
std::uint16_t internet_checksum(std::span<const std::uint8_t> data);

}  // namespace latlab::agent
