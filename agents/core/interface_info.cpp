#include "core/interface_info.h"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/unique_fd.h"

namespace latlab::agent {

Result<InterfaceInfo> query_interface(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) return usage_error("--ifname \"" + name + "\": not a device name");
  InterfaceInfo info;
  info.name = name;
  info.index = static_cast<int>(::if_nametoindex(name.c_str()));
  if (info.index == 0) return environment_error("device " + name + " does not exist in this network namespace");
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return environment_error("opening an ioctl socket: " + errno_text(errno));
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &req) != 0) {
    return environment_error("device " + name + ": reading its MAC address: " + errno_text(errno));
  }
  std::memcpy(info.mac.data(), req.ifr_hwaddr.sa_data, 6);
  if (::ioctl(fd.get(), SIOCGIFMTU, &req) != 0) {
    return environment_error("device " + name + ": reading its MTU: " + errno_text(errno));
  }
  info.mtu = req.ifr_mtu;
  if (::ioctl(fd.get(), SIOCGIFFLAGS, &req) == 0) info.up = (req.ifr_flags & IFF_UP) != 0;
  req.ifr_addr.sa_family = AF_INET;
  if (::ioctl(fd.get(), SIOCGIFADDR, &req) == 0) {
    Ipv4Address a{};
    std::memcpy(a.data(), &reinterpret_cast<sockaddr_in*>(&req.ifr_addr)->sin_addr, 4);
    info.ipv4 = a;
  }
  return info;
}

}  // namespace latlab::agent
