// ICMP (RFC 792) and ICMPv6 (RFC 4443) echo request/reply messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"

namespace latlab::agent {

inline constexpr std::size_t kIcmpEchoHeaderSize = 8;
inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpEchoRequest = 8;
inline constexpr std::uint8_t kIcmpv6EchoRequest = 128;
inline constexpr std::uint8_t kIcmpv6EchoReply = 129;

struct EchoMessage {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::span<const std::uint8_t> payload;
};

// Writes the 8-byte header followed by `payload` with the ICMPv4 checksum;
// returns the message size or 0 when `out` is too small. `payload` may alias
// out[8..] (it is then left in place).
std::size_t build_icmp4_echo(std::span<std::uint8_t> out, const EchoMessage& message);
// ICMPv6: the checksum covers the IPv6 pseudo-header.
std::size_t build_icmp6_echo(std::span<std::uint8_t> out, const EchoMessage& message, const Ipv6Address& src,
                             const Ipv6Address& dst);
// ICMPv6 without checksum (raw ICMPv6 sockets have the kernel fill it in).
std::size_t build_icmp6_echo_unchecked(std::span<std::uint8_t> out, const EchoMessage& message);

// Parses an echo request or reply; anything else (other types, non-zero code,
// short, bad checksum) is rejected.
std::optional<EchoMessage> parse_icmp4_echo(std::span<const std::uint8_t> data);
std::optional<EchoMessage> parse_icmp6_echo(std::span<const std::uint8_t> data, const Ipv6Address& src,
                                            const Ipv6Address& dst);
// As above, without verifying the checksum (the kernel verified ICMPv6 already).
std::optional<EchoMessage> parse_icmp6_echo_unchecked(std::span<const std::uint8_t> data);

}  // namespace latlab::agent
