// The kernel's IPv4 neighbour table, read from /proc/net/arp (per network
// namespace). Only complete entries on the given device count.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/address.h"

namespace latlab::agent {

// Parses the text of /proc/net/arp.
std::optional<MacAddress> find_neighbour(std::string_view proc_net_arp, const Ipv4Address& ip,
                                         const std::string& device);
std::optional<MacAddress> lookup_neighbour(const Ipv4Address& ip, const std::string& device);

}  // namespace latlab::agent
