#include "core/udp.h"

#include <cstring>

#include "core/byte_order.h"
#include "core/checksum.h"
#include "core/ipv4.h"
#include "core/ipv6.h"

namespace latlab::agent {

namespace {

std::size_t write_header(std::span<std::uint8_t> out, const UdpDatagram& d) {
  const std::size_t size = kUdpHeaderSize + d.payload.size();
  if (out.size() < size || size > 0xffff) return 0;
  std::uint8_t* p = out.data();
  if (!d.payload.empty() && d.payload.data() != p + kUdpHeaderSize) {
    std::memmove(p + kUdpHeaderSize, d.payload.data(), d.payload.size());
  }
  store_be16(p, d.src_port);
  store_be16(p + 2, d.dst_port);
  store_be16(p + 4, static_cast<std::uint16_t>(size));
  store_be16(p + 6, 0);
  return size;
}

void finish(std::span<std::uint8_t> out, std::size_t size, std::uint32_t pseudo) {
  std::uint16_t sum = checksum_finish(checksum_add(out.first(size), pseudo));
  if (sum == 0) sum = 0xffff;  // 0 means "no checksum"
  store_be16(out.data() + 6, sum);
}

std::optional<UdpDatagram> read_header(std::span<const std::uint8_t> data, std::size_t& length) {
  if (data.size() < kUdpHeaderSize) return std::nullopt;
  length = load_be16(data.data() + 4);
  if (length < kUdpHeaderSize || length > data.size()) return std::nullopt;
  UdpDatagram d;
  d.src_port = load_be16(data.data());
  d.dst_port = load_be16(data.data() + 2);
  d.payload = data.subspan(kUdpHeaderSize, length - kUdpHeaderSize);
  return d;
}

}  // namespace

std::size_t build_udp4(std::span<std::uint8_t> out, const UdpDatagram& d, const Ipv4Address& src,
                       const Ipv4Address& dst) {
  const std::size_t size = write_header(out, d);
  if (size == 0) return 0;
  finish(out, size, ipv4_pseudo_header_sum(src, dst, kProtoUdp, size));
  return size;
}

std::size_t build_udp6(std::span<std::uint8_t> out, const UdpDatagram& d, const Ipv6Address& src,
                       const Ipv6Address& dst) {
  const std::size_t size = write_header(out, d);
  if (size == 0) return 0;
  finish(out, size, ipv6_pseudo_header_sum(src, dst, kProtoUdp, size));
  return size;
}

std::optional<UdpDatagram> parse_udp4(std::span<const std::uint8_t> data, const Ipv4Address& src,
                                      const Ipv4Address& dst) {
  std::size_t length = 0;
  auto d = read_header(data, length);
  if (!d) return std::nullopt;
  if (load_be16(data.data() + 6) == 0) return d;
  const std::uint32_t pseudo = ipv4_pseudo_header_sum(src, dst, kProtoUdp, length);
  if (checksum_finish(checksum_add(data.first(length), pseudo)) != 0) return std::nullopt;
  return d;
}

std::optional<UdpDatagram> parse_udp6(std::span<const std::uint8_t> data, const Ipv6Address& src,
                                      const Ipv6Address& dst) {
  std::size_t length = 0;
  auto d = read_header(data, length);
  if (!d || load_be16(data.data() + 6) == 0) return std::nullopt;
  const std::uint32_t pseudo = ipv6_pseudo_header_sum(src, dst, kProtoUdp, length);
  if (checksum_finish(checksum_add(data.first(length), pseudo)) != 0) return std::nullopt;
  return d;
}

}  // namespace latlab::agent
