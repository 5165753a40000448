// UDP header (RFC 768) over IPv4 and IPv6.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"

namespace latlab::agent {

inline constexpr std::size_t kUdpHeaderSize = 8;

struct UdpDatagram {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::span<const std::uint8_t> payload;
};

// Header + payload with checksum over the IPv4/IPv6 pseudo-header. `payload`
// may alias out[8..].
std::size_t build_udp4(std::span<std::uint8_t> out, const UdpDatagram& d, const Ipv4Address& src,
                       const Ipv4Address& dst);
std::size_t build_udp6(std::span<std::uint8_t> out, const UdpDatagram& d, const Ipv6Address& src,
                       const Ipv6Address& dst);
// Rejects short data, a length field beyond the data or below 8, and a bad
// checksum (checksum 0 means "none" over IPv4 and is accepted; over IPv6 it is not).
std::optional<UdpDatagram> parse_udp4(std::span<const std::uint8_t> data, const Ipv4Address& src,
                                      const Ipv4Address& dst);
std::optional<UdpDatagram> parse_udp6(std::span<const std::uint8_t> data, const Ipv6Address& src,
                                      const Ipv6Address& dst);

}  // namespace latlab::agent
