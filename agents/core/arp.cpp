#include "core/arp.h"

#include <algorithm>

#include "core/byte_order.h"

namespace latlab::agent {

std::size_t build_arp(std::span<std::uint8_t> out, const ArpPacket& arp) {
  if (out.size() < kArpSize) return 0;
  std::uint8_t* p = out.data();
  store_be16(p, 1);        // hardware type: Ethernet
  store_be16(p + 2, 0x0800);  // protocol type: IPv4
  p[4] = 6;
  p[5] = 4;
  store_be16(p + 6, arp.operation);
  std::copy(arp.sender_mac.begin(), arp.sender_mac.end(), p + 8);
  std::copy(arp.sender_ip.begin(), arp.sender_ip.end(), p + 14);
  std::copy(arp.target_mac.begin(), arp.target_mac.end(), p + 18);
  std::copy(arp.target_ip.begin(), arp.target_ip.end(), p + 24);
  return kArpSize;
}

std::optional<ArpPacket> parse_arp(std::span<const std::uint8_t> data) {
  if (data.size() < kArpSize) return std::nullopt;
  const std::uint8_t* p = data.data();
  if (load_be16(p) != 1 || load_be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4) return std::nullopt;
  ArpPacket arp;
  arp.operation = load_be16(p + 6);
  if (arp.operation != kArpRequest && arp.operation != kArpReply) return std::nullopt;
  std::copy(p + 8, p + 14, arp.sender_mac.begin());
  std::copy(p + 14, p + 18, arp.sender_ip.begin());
  std::copy(p + 18, p + 24, arp.target_mac.begin());
  std::copy(p + 24, p + 28, arp.target_ip.begin());
  return arp;
}

}  // namespace latlab::agent
