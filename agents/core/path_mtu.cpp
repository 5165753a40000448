#include "core/path_mtu.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "core/sockaddr.h"
#include "core/unique_fd.h"

namespace latlab::agent {

Result<int> route_mtu(const IpAddress& target) {
  const int af = target.family == 6 ? AF_INET6 : AF_INET;
  UniqueFd fd(::socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return environment_error("opening a UDP socket: " + errno_text(errno));
  const SocketAddress sa = make_socket_address(target, 9);
  if (::connect(fd.get(), sa.get(), sa.length) != 0) {
    return environment_error("no route to " + format_ip(target) + ": " + errno_text(errno));
  }
  int mtu = 0;
  socklen_t len = sizeof(mtu);
  const int rc = target.family == 6 ? ::getsockopt(fd.get(), IPPROTO_IPV6, IPV6_MTU, &mtu, &len)
                                    : ::getsockopt(fd.get(), IPPROTO_IP, IP_MTU, &mtu, &len);
  if (rc != 0) return environment_error("reading the MTU of the route to " + format_ip(target) + ": " + errno_text(errno));
  return mtu;
}

Status check_payload_fits(const IpAddress& target, std::uint32_t payload, std::uint32_t overhead) {
  auto mtu = route_mtu(target);
  if (!mtu) return mtu.error();
  if (static_cast<std::int64_t>(payload) + overhead > *mtu) {
    const std::int64_t max = *mtu - static_cast<std::int64_t>(overhead);
    return usage_error("--payload " + std::to_string(payload) + ": does not fit the MTU " + std::to_string(*mtu) +
                       " of the route to " + format_ip(target) + " (at most " + std::to_string(max < 0 ? 0 : max) +
                       " bytes)");
  }
  return ok_status();
}

}  // namespace latlab::agent
