// ARP for IPv4 over Ethernet (RFC 826).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"

namespace latlab::agent {

inline constexpr std::size_t kArpSize = 28;
inline constexpr std::uint16_t kArpRequest = 1;
inline constexpr std::uint16_t kArpReply = 2;

struct ArpPacket {
  std::uint16_t operation = kArpRequest;
  MacAddress sender_mac{};
  Ipv4Address sender_ip{};
  MacAddress target_mac{};
  Ipv4Address target_ip{};
};

std::size_t build_arp(std::span<std::uint8_t> out, const ArpPacket& arp);
// Rejects anything but Ethernet/IPv4 requests and replies.
std::optional<ArpPacket> parse_arp(std::span<const std::uint8_t> data);

}  // namespace latlab::agent
