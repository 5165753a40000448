#include "core/sockaddr.h"

#include <cstring>

namespace latlab::agent {

SocketAddress make_socket_address(const IpAddress& address, std::uint16_t port) {
  SocketAddress out;
  if (address.family == 6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, address.v6.data(), 16);
    out.length = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, address.v4.data(), 4);
    out.length = sizeof(sockaddr_in);
  }
  return out;
}

IpAddress ip_of(const sockaddr_storage& storage) {
  IpAddress out;
  if (storage.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    out.family = 6;
    std::memcpy(out.v6.data(), &sin6->sin6_addr, 16);
  } else if (storage.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage);
    out.family = 4;
    std::memcpy(out.v4.data(), &sin->sin_addr, 4);
  }
  return out;
}

}  // namespace latlab::agent
