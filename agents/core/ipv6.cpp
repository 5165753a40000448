#include "core/ipv6.h"

#include <algorithm>

#include "core/byte_order.h"
#include "core/checksum.h"

namespace latlab::agent {

std::size_t build_ipv6(std::span<std::uint8_t> out, const Ipv6Header& header, std::size_t payload_length) {
  if (out.size() < kIpv6HeaderSize || payload_length > 0xffff) return 0;
  std::uint8_t* p = out.data();
  store_be32(p, (6u << 28) | (std::uint32_t{header.traffic_class} << 20) | (header.flow_label & 0xfffffu));
  store_be16(p + 4, static_cast<std::uint16_t>(payload_length));
  p[6] = header.next_header;
  p[7] = header.hop_limit;
  std::copy(header.src.begin(), header.src.end(), p + 8);
  std::copy(header.dst.begin(), header.dst.end(), p + 24);
  return kIpv6HeaderSize;
}

std::optional<Ipv6Packet> parse_ipv6_packet(std::span<const std::uint8_t> data) {
  if (data.size() < kIpv6HeaderSize) return std::nullopt;
  const std::uint8_t* p = data.data();
  const std::uint32_t first = load_be32(p);
  if ((first >> 28) != 6) return std::nullopt;
  const std::size_t length = load_be16(p + 4);
  if (length == 0 || kIpv6HeaderSize + length > data.size()) return std::nullopt;
  Ipv6Packet out;
  out.header.traffic_class = static_cast<std::uint8_t>((first >> 20) & 0xff);
  out.header.flow_label = first & 0xfffffu;
  out.header.payload_length = static_cast<std::uint16_t>(length);
  out.header.next_header = p[6];
  out.header.hop_limit = p[7];
  std::copy(p + 8, p + 24, out.header.src.begin());
  std::copy(p + 24, p + 40, out.header.dst.begin());
  out.payload = data.subspan(kIpv6HeaderSize, length);
  return out;
}

std::uint32_t ipv6_pseudo_header_sum(const Ipv6Address& src, const Ipv6Address& dst, std::uint8_t next_header,
                                     std::size_t length) {
  std::uint8_t pseudo[40] = {};
  std::copy(src.begin(), src.end(), pseudo);
  std::copy(dst.begin(), dst.end(), pseudo + 16);
  store_be32(pseudo + 32, static_cast<std::uint32_t>(length));
  pseudo[39] = next_header;
  return checksum_add(pseudo);
}

}  // namespace latlab::agent
