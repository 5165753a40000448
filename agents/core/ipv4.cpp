#include "core/ipv4.h"

#include <algorithm>

#include "core/byte_order.h"
#include "core/checksum.h"

namespace latlab::agent {

std::size_t build_ipv4(std::span<std::uint8_t> out, const Ipv4Header& header, std::size_t payload_length) {
  if (out.size() < kIpv4HeaderSize || payload_length > 0xffff - kIpv4HeaderSize) return 0;
  std::uint8_t* p = out.data();
  p[0] = 0x45;
  p[1] = header.tos;
  store_be16(p + 2, static_cast<std::uint16_t>(kIpv4HeaderSize + payload_length));
  store_be16(p + 4, header.id);
  store_be16(p + 6, header.dont_fragment ? 0x4000 : 0);
  p[8] = header.ttl;
  p[9] = header.protocol;
  store_be16(p + 10, 0);
  std::copy(header.src.begin(), header.src.end(), p + 12);
  std::copy(header.dst.begin(), header.dst.end(), p + 16);
  store_be16(p + 10, internet_checksum({p, kIpv4HeaderSize}));
  return kIpv4HeaderSize;
}

std::optional<Ipv4Packet> parse_ipv4_packet(std::span<const std::uint8_t> data) {
  if (data.size() < kIpv4HeaderSize) return std::nullopt;
  const std::uint8_t* p = data.data();
  if ((p[0] >> 4) != 4) return std::nullopt;
  const std::size_t ihl = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  if (ihl < kIpv4HeaderSize || ihl > data.size()) return std::nullopt;
  const std::size_t total = load_be16(p + 2);
  if (total < ihl || total > data.size()) return std::nullopt;
  if (internet_checksum({p, ihl}) != 0) return std::nullopt;
  const std::uint16_t frag = load_be16(p + 6);
  if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0) return std::nullopt;  // MF or offset
  Ipv4Packet out;
  out.header.tos = p[1];
  out.header.total_length = static_cast<std::uint16_t>(total);
  out.header.id = load_be16(p + 4);
  out.header.dont_fragment = (frag & 0x4000) != 0;
  out.header.ttl = p[8];
  out.header.protocol = p[9];
  std::copy(p + 12, p + 16, out.header.src.begin());
  std::copy(p + 16, p + 20, out.header.dst.begin());
  out.header_length = ihl;
  out.payload = data.subspan(ihl, total - ihl);
  return out;
}

std::uint32_t ipv4_pseudo_header_sum(const Ipv4Address& src, const Ipv4Address& dst, std::uint8_t protocol,
                                     std::size_t length) {
  std::uint8_t pseudo[12];
  std::copy(src.begin(), src.end(), pseudo);
  std::copy(dst.begin(), dst.end(), pseudo + 4);
  pseudo[8] = 0;
  pseudo[9] = protocol;
  store_be16(pseudo + 10, static_cast<std::uint16_t>(length));
  return checksum_add(pseudo);
}

}  // namespace latlab::agent
