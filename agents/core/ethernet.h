// Ethernet II header (no VLAN tags are built; one 802.1Q tag is skipped on parse).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"

namespace latlab::agent {

inline constexpr std::size_t kEthernetHeaderSize = 14;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeArp = 0x0806;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;

struct EthernetHeader {
  MacAddress dst{};
  MacAddress src{};
  std::uint16_t ether_type = 0;
};

struct EthernetFrame {
  EthernetHeader header;
  std::span<const std::uint8_t> payload;
};

// Writes the 14-byte header; returns its size, or 0 when `out` is too small.
std::size_t build_ethernet(std::span<std::uint8_t> out, const EthernetHeader& header);
std::optional<EthernetFrame> parse_ethernet(std::span<const std::uint8_t> frame);

}  // namespace latlab::agent
