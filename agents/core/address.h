// IPv4, IPv6 and MAC addresses as plain byte arrays (network order), with
// literal parsing (inet_pton, never getaddrinfo) and formatting.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace latlab::agent {

using Ipv4Address = std::array<std::uint8_t, 4>;
using Ipv6Address = std::array<std::uint8_t, 16>;
using MacAddress = std::array<std::uint8_t, 6>;

inline constexpr MacAddress kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// An IPv4 or IPv6 literal; family is 4 or 6.
struct IpAddress {
  int family = 0;
  Ipv4Address v4{};
  Ipv6Address v6{};

  bool operator==(const IpAddress&) const = default;
};

std::optional<Ipv4Address> parse_ipv4(std::string_view text);
std::optional<Ipv6Address> parse_ipv6(std::string_view text);
// Either family; `family` 0 means infer, 4 or 6 forces one.
std::optional<IpAddress> parse_ip(std::string_view text, int family = 0);
std::optional<MacAddress> parse_mac(std::string_view text);

std::string format_ipv4(const Ipv4Address& a);
std::string format_ipv6(const Ipv6Address& a);
std::string format_ip(const IpAddress& a);
std::string format_mac(const MacAddress& m);

}  // namespace latlab::agent
