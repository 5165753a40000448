#include "scenario/uplinks.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace latlab::scenario {

namespace {

// Devices of the default routes in a /proc/net route table: IPv4's columns
// are Iface Destination Gateway Flags ... Mask; IPv6's are dest dest_len
// src src_len next_hop metric refcnt use flags iface.
void default_route_devices(Uplinks& out) {
  std::ifstream v4("/proc/net/route");
  std::string line;
  std::getline(v4, line);  // header
  while (std::getline(v4, line)) {
    std::istringstream in(line);
    std::string iface, dest, gw, flags, refcnt, use, metric, mask;
    if (in >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask && dest == "00000000" &&
        mask == "00000000")
      out.emplace(iface, "carries this machine's IPv4 default route");
  }
  std::ifstream v6("/proc/net/ipv6_route");
  while (std::getline(v6, line)) {
    std::istringstream in(line);
    std::string dest, dlen, src, slen, hop, metric, refcnt, use, flags, iface;
    if (in >> dest >> dlen >> src >> slen >> hop >> metric >> refcnt >> use >> flags >> iface &&
        dest == std::string(32, '0') && dlen == "00" && iface != "lo")
      out.emplace(iface, "carries this machine's IPv6 default route");
  }
}

// The device holding the address this SSH session came in on.
void ssh_session_device(Uplinks& out) {
  const char* conn = std::getenv("SSH_CONNECTION");  // "client port server port"
  if (conn == nullptr) return;
  std::istringstream in(conn);
  std::string client, cport, server;
  if (!(in >> client >> cport >> server)) return;
  in6_addr a6{};
  in_addr a4{};
  const bool v4 = ::inet_pton(AF_INET, server.c_str(), &a4) == 1;
  const bool v6 = !v4 && ::inet_pton(AF_INET6, server.c_str(), &a6) == 1;
  if (!v4 && !v6) return;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_name == nullptr) continue;
    bool same = false;
    if (v4 && i->ifa_addr->sa_family == AF_INET)
      same = reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr == a4.s_addr;
    if (v6 && i->ifa_addr->sa_family == AF_INET6)
      same = std::memcmp(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, &a6, sizeof a6) == 0;
    if (same && std::string(i->ifa_name) != "lo")
      out.emplace(i->ifa_name, "holds " + server + ", the address this SSH session reached the machine on");
  }
  ::freeifaddrs(list);
}

}  // namespace

Uplinks uplink_devices() {
  Uplinks out;
  // Given instead of found: "dev1,dev2", or "" for none (hermetic tests, or a
  // machine whose uplink is not found this way).
  if (const char* given = std::getenv("LATLAB_UPLINKS"); given != nullptr) {
    std::istringstream in(given);
    for (std::string dev; std::getline(in, dev, ',');)
      if (!dev.empty()) out.emplace(dev, "is an uplink of this machine (LATLAB_UPLINKS)");
    return out;
  }
  ssh_session_device(out);
  default_route_devices(out);
  return out;
}

void check_uplinks(Diags& d, const Lab& lab, const std::string& host, const Uplinks& uplinks) {
  for (const auto& f : lab.interfaces) {
    if (f.role != IfRole::phys_moved || f.allow_uplink || lab.host_of(f.node) != host) continue;
    auto it = uplinks.find(f.parent);
    if (it == uplinks.end()) continue;
    d.add(field_ref(f.src, f.fields, "device"),
          "device \"" + f.parent + "\" " + it->second + "; moving it into node \"" + f.node +
              "\" cuts the machine off that network until teardown: set \"allow_uplink\": true on this link to "
              "do it anyway");
  }
}

}  // namespace latlab::scenario
