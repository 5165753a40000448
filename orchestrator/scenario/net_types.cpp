#include "scenario/net_types.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace latlab::scenario {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  IpAddr a;
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    a.family = 6;
    return a;
  }
  // inet_pton(AF_INET) accepts only dotted quads: exactly what we want.
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  a.family = 4;
  return a;
}

IpAddr IpAddr::v4(uint32_t h) {
  IpAddr a;
  a.family = 4;
  a.bytes[0] = static_cast<uint8_t>(h >> 24);
  a.bytes[1] = static_cast<uint8_t>(h >> 16);
  a.bytes[2] = static_cast<uint8_t>(h >> 8);
  a.bytes[3] = static_cast<uint8_t>(h);
  return a;
}

std::string IpAddr::str() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (family == 4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (family == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  } else {
    return "<unset>";
  }
  return buf;
}

bool IpAddr::is_loopback() const {
  if (family == 4) return bytes[0] == 127;
  if (family == 6) {
    for (int i = 0; i < 15; ++i)
      if (bytes[i] != 0) return false;
    return bytes[15] == 1;
  }
  return false;
}

bool IpAddr::is_multicast() const {
  if (family == 4) return (bytes[0] & 0xf0) == 0xe0 || (bytes[0] == 255 && bytes[1] == 255 && bytes[2] == 255 && bytes[3] == 255);
  if (family == 6) return bytes[0] == 0xff;
  return false;
}

bool IpAddr::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i)
    if (bytes[i] != 0) return false;
  return true;
}

std::optional<Prefix> Prefix::parse(std::string_view text, bool allow_bare) {
  auto slash = text.find('/');
  Prefix p;
  if (slash == std::string_view::npos) {
    if (!allow_bare) return std::nullopt;
    auto a = IpAddr::parse(text);
    if (!a) return std::nullopt;
    p.addr = *a;
    p.len = a->family == 4 ? 32 : 128;
    return p;
  }
  auto a = IpAddr::parse(text.substr(0, slash));
  if (!a) return std::nullopt;
  auto lens = text.substr(slash + 1);
  if (lens.empty() || lens.size() > 3) return std::nullopt;
  int len = 0;
  for (char c : lens) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + (c - '0');
  }
  if (lens.size() > 1 && lens[0] == '0') return std::nullopt;
  int max = a->family == 4 ? 32 : 128;
  if (len > max) return std::nullopt;
  p.addr = *a;
  p.len = len;
  return p;
}

std::string Prefix::str() const { return addr.str() + "/" + std::to_string(len); }

Prefix Prefix::network() const {
  Prefix n = *this;
  int bits = len;
  for (size_t i = 0; i < addr.size(); ++i) {
    if (bits >= 8) {
      bits -= 8;
      continue;
    }
    uint8_t mask = bits == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
    n.addr.bytes[i] &= mask;
    bits = 0;
  }
  return n;
}

bool Prefix::contains(const IpAddr& a) const {
  if (a.family != addr.family) return false;
  Prefix other{a, len};
  return other.network().addr == network().addr;
}

bool Prefix::overlaps(const Prefix& other) const {
  if (other.family() != family()) return false;
  const Prefix& shorter = other.len < len ? other : *this;
  const Prefix& longer = other.len < len ? *this : other;
  return shorter.contains(longer.addr);
}

std::optional<IpAddr> Prefix::host(uint64_t n) const {
  int host_bits = (family() == 4 ? 32 : 128) - len;
  if (host_bits < 64 && n >= (uint64_t{1} << host_bits)) return std::nullopt;
  IpAddr a = network().addr;
  // add n to the last 8 bytes (big endian)
  size_t end = a.size();
  uint64_t carry = n;
  for (size_t i = end; i-- > 0 && carry != 0;) {
    uint64_t sum = a.bytes[i] + (carry & 0xff);
    a.bytes[i] = static_cast<uint8_t>(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  return a;
}

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  MacAddr m;
  for (int i = 0; i < 6; ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(text[i * 3]), lo = hex(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[i * 3 + 2] != ':') return std::nullopt;
    m.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return m;
}

std::string MacAddr::str() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

bool MacAddr::is_zero() const {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

}  // namespace latlab::scenario
