// sockaddr_in / sockaddr_in6 from an IpAddress.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

#include "core/address.h"

namespace latlab::agent {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  [[nodiscard]] const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

SocketAddress make_socket_address(const IpAddress& address, std::uint16_t port);
// The address and port of a sockaddr (v4, v6 or v4-mapped v6).
IpAddress ip_of(const sockaddr_storage& storage);

}  // namespace latlab::agent
