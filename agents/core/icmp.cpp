#include "core/icmp.h"

#include <cstring>

#include "core/byte_order.h"
#include "core/checksum.h"
#include "core/ipv4.h"
#include "core/ipv6.h"

namespace latlab::agent {

namespace {

std::size_t write_echo(std::span<std::uint8_t> out, const EchoMessage& message) {
  const std::size_t size = kIcmpEchoHeaderSize + message.payload.size();
  if (out.size() < size) return 0;
  std::uint8_t* p = out.data();
  if (!message.payload.empty() && message.payload.data() != p + kIcmpEchoHeaderSize) {
    std::memmove(p + kIcmpEchoHeaderSize, message.payload.data(), message.payload.size());
  }
  p[0] = message.type;
  p[1] = message.code;
  store_be16(p + 2, 0);
  store_be16(p + 4, message.identifier);
  store_be16(p + 6, message.sequence);
  return size;
}

std::optional<EchoMessage> read_echo(std::span<const std::uint8_t> data, std::uint8_t request, std::uint8_t reply) {
  if (data.size() < kIcmpEchoHeaderSize) return std::nullopt;
  EchoMessage m;
  m.type = data[0];
  m.code = data[1];
  if ((m.type != request && m.type != reply) || m.code != 0) return std::nullopt;
  m.identifier = load_be16(data.data() + 4);
  m.sequence = load_be16(data.data() + 6);
  m.payload = data.subspan(kIcmpEchoHeaderSize);
  return m;
}

}  // namespace

std::size_t build_icmp4_echo(std::span<std::uint8_t> out, const EchoMessage& message) {
  const std::size_t size = write_echo(out, message);
  if (size == 0) return 0;
  store_be16(out.data() + 2, internet_checksum(out.first(size)));
  return size;
}

std::size_t build_icmp6_echo(std::span<std::uint8_t> out, const EchoMessage& message, const Ipv6Address& src,
                             const Ipv6Address& dst) {
  const std::size_t size = write_echo(out, message);
  if (size == 0) return 0;
  const std::uint32_t pseudo = ipv6_pseudo_header_sum(src, dst, kProtoIcmpv6, size);
  store_be16(out.data() + 2, checksum_finish(checksum_add(out.first(size), pseudo)));
  return size;
}

std::size_t build_icmp6_echo_unchecked(std::span<std::uint8_t> out, const EchoMessage& message) {
  return write_echo(out, message);
}

std::optional<EchoMessage> parse_icmp4_echo(std::span<const std::uint8_t> data) {
  auto m = read_echo(data, kIcmpEchoRequest, kIcmpEchoReply);
  if (!m || internet_checksum(data) != 0) return std::nullopt;
  return m;
}

std::optional<EchoMessage> parse_icmp6_echo(std::span<const std::uint8_t> data, const Ipv6Address& src,
                                            const Ipv6Address& dst) {
  auto m = read_echo(data, kIcmpv6EchoRequest, kIcmpv6EchoReply);
  if (!m) return std::nullopt;
  const std::uint32_t pseudo = ipv6_pseudo_header_sum(src, dst, kProtoIcmpv6, data.size());
  if (checksum_finish(checksum_add(data, pseudo)) != 0) return std::nullopt;
  return m;
}

std::optional<EchoMessage> parse_icmp6_echo_unchecked(std::span<const std::uint8_t> data) {
  return read_echo(data, kIcmpv6EchoRequest, kIcmpv6EchoReply);
}

}  // namespace latlab::agent
