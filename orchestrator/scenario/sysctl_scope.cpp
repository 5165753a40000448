#include "scenario/sysctl_scope.h"

#include <array>

namespace latlab::scenario {

bool sysctl_is_per_netns(std::string_view name) {
  // Prefixes of net.* entries registered per namespace (register_net_sysctl).
  static constexpr std::array<std::string_view, 18> prefixes = {
      "net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh.",
      "net.ipv4.icmp_", "net.ipv4.tcp_", "net.ipv4.udp_", "net.ipv4.ping_group_range",
      "net.ipv4.ip_forward", "net.ipv4.ip_local_port_range", "net.ipv4.ip_early_demux",
      "net.ipv4.ip_default_ttl", "net.ipv4.fib_", "net.ipv4.route.", "net.ipv6.icmp.",
      "net.ipv6.route.", "net.netfilter.", "net.unix."};
  for (auto p : prefixes)
    if (name.substr(0, p.size()) == p) return true;
  static constexpr std::array<std::string_view, 6> exact = {
      "net.core.somaxconn", "net.core.txrehash", "net.ipv6.flowlabel_consistency",
      "net.ipv4.raw_l3mdev_accept", "net.ipv4.tcp_l3mdev_accept", "net.ipv4.udp_l3mdev_accept"};
  for (auto e : exact)
    if (name == e) return true;
  return false;
}

bool sysctl_name_valid(std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '.' || name.back() == '.') return false;
  char prev = 0;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
    if (c == '.' && prev == '.') return false;
    prev = c;
  }
  return name.find('.') != std::string_view::npos;
}

}  // namespace latlab::scenario
