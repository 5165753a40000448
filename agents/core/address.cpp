#include "core/address.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace latlab::agent {

namespace {

template <typename Array>
std::optional<Array> pton(int af, std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Array out{};
  if (inet_pton(af, buf, out.data()) != 1) return std::nullopt;
  return out;
}

}  // namespace

std::optional<Ipv4Address> parse_ipv4(std::string_view text) { return pton<Ipv4Address>(AF_INET, text); }
std::optional<Ipv6Address> parse_ipv6(std::string_view text) { return pton<Ipv6Address>(AF_INET6, text); }

std::optional<IpAddress> parse_ip(std::string_view text, int family) {
  IpAddress out;
  if (family == 0 || family == 4) {
    if (auto v4 = parse_ipv4(text)) {
      out.family = 4;
      out.v4 = *v4;
      return out;
    }
  }
  if (family == 0 || family == 6) {
    if (auto v6 = parse_ipv6(text)) {
      out.family = 6;
      out.v6 = *v6;
      return out;
    }
  }
  return std::nullopt;
}

std::optional<MacAddress> parse_mac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  MacAddress out{};
  for (std::size_t i = 0; i < 6; ++i) {
    unsigned value = 0;
    for (std::size_t j = 0; j < 2; ++j) {
      const char c = text[i * 3 + j];
      unsigned digit;
      if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
      else return std::nullopt;
      value = value * 16 + digit;
    }
    if (i < 5 && text[i * 3 + 2] != ':') return std::nullopt;
    out[i] = static_cast<std::uint8_t>(value);
  }
  return out;
}

std::string format_ipv4(const Ipv4Address& a) {
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, a.data(), buf, sizeof(buf));
  return buf;
}

std::string format_ipv6(const Ipv6Address& a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, a.data(), buf, sizeof(buf));
  return buf;
}

std::string format_ip(const IpAddress& a) { return a.family == 6 ? format_ipv6(a.v6) : format_ipv4(a.v4); }

std::string format_mac(const MacAddress& m) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

}  // namespace latlab::agent
