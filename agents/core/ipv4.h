// IPv4 header (RFC 791): build with checksum, strict parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"

namespace latlab::agent {

inline constexpr std::size_t kIpv4HeaderSize = 20;
inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;

struct Ipv4Header {
  std::uint8_t tos = 0;
  std::uint16_t total_length = 0;  // filled by build_ipv4
  std::uint16_t id = 0;
  bool dont_fragment = true;
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 0;
  Ipv4Address src{};
  Ipv4Address dst{};
};

struct Ipv4Packet {
  Ipv4Header header;
  std::size_t header_length = 0;
  std::span<const std::uint8_t> payload;  // exactly total_length - header_length bytes
};

// Writes a 20-byte header for `payload_length` bytes of payload (options are
// never built); returns 20, or 0 when `out` is too small or the length overflows.
std::size_t build_ipv4(std::span<std::uint8_t> out, const Ipv4Header& header, std::size_t payload_length);
// Rejects: short buffers, version != 4, IHL < 5, total length beyond the
// buffer or below the header, a bad header checksum, and fragments.
std::optional<Ipv4Packet> parse_ipv4_packet(std::span<const std::uint8_t> data);
// Partial checksum of the pseudo-header for UDP over IPv4.
std::uint32_t ipv4_pseudo_header_sum(const Ipv4Address& src, const Ipv4Address& dst, std::uint8_t protocol,
                                     std::size_t length);

}  // namespace latlab::agent
