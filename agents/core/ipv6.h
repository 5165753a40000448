// IPv6 fixed header (RFC 8200). Extension headers are not walked: a packet
// whose next header is not the expected upper layer is someone else's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"

namespace latlab::agent {

inline constexpr std::size_t kIpv6HeaderSize = 40;

struct Ipv6Header {
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;
  std::uint16_t payload_length = 0;  // filled by build_ipv6
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 64;
  Ipv6Address src{};
  Ipv6Address dst{};
};

struct Ipv6Packet {
  Ipv6Header header;
  std::span<const std::uint8_t> payload;
};

std::size_t build_ipv6(std::span<std::uint8_t> out, const Ipv6Header& header, std::size_t payload_length);
// Rejects short buffers, version != 6 and payload lengths beyond the buffer
// (jumbograms, payload length 0, are rejected too).
std::optional<Ipv6Packet> parse_ipv6_packet(std::span<const std::uint8_t> data);
std::uint32_t ipv6_pseudo_header_sum(const Ipv6Address& src, const Ipv6Address& dst, std::uint8_t next_header,
                                     std::size_t length);

}  // namespace latlab::agent
