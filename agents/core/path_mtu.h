// The MTU of the route to a target, asked from the kernel by connecting a UDP
// socket (no packet is sent) and reading IP_MTU / IPV6_MTU.
#pragma once

#include "core/address.h"
#include "core/result.h"

namespace latlab::agent {

Result<int> route_mtu(const IpAddress& target);
// Usage error when `payload` plus `overhead` (headers above IP included) does
// not fit the route's MTU: "--payload 2000: does not fit the MTU 1500 ...".
Status check_payload_fits(const IpAddress& target, std::uint32_t payload, std::uint32_t overhead);

}  // namespace latlab::agent
