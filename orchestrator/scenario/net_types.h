// Addresses as values: IPv4/IPv6 addresses, prefixes and MAC addresses, with
// strict parsing (no DNS, no shorthand like "10.1") and canonical formatting.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace latlab::scenario {

struct IpAddr {
  int family = 0;  // 4 or 6; 0 = unset
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  static std::optional<IpAddr> parse(std::string_view text);
  static IpAddr v4(uint32_t host_order);
  std::string str() const;
  size_t size() const { return family == 4 ? 4 : 16; }
  bool is_set() const { return family != 0; }
  bool is_loopback() const;
  bool is_multicast() const;
  bool is_unspecified() const;
  friend bool operator==(const IpAddr&, const IpAddr&) = default;
  friend auto operator<=>(const IpAddr&, const IpAddr&) = default;
};

struct Prefix {
  IpAddr addr;  // the address as written (host bits may be set: an interface address)
  int len = 0;

  // "198.18.0.1/24" (length required unless allow_bare: then /32 or /128)
  static std::optional<Prefix> parse(std::string_view text, bool allow_bare = false);
  std::string str() const;
  Prefix network() const;  // host bits cleared
  bool contains(const IpAddr& a) const;
  bool overlaps(const Prefix& other) const;
  int family() const { return addr.family; }
  // The n-th address of the network (n = 0 is the network address).
  std::optional<IpAddr> host(uint64_t n) const;
  friend bool operator==(const Prefix&, const Prefix&) = default;
};

struct MacAddr {
  std::array<uint8_t, 6> bytes{};
  static std::optional<MacAddr> parse(std::string_view text);
  std::string str() const;
  bool is_multicast() const { return (bytes[0] & 1) != 0; }
  bool is_zero() const;
  friend bool operator==(const MacAddr&, const MacAddr&) = default;
};

}  // namespace latlab::scenario
