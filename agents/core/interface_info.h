// What the AF_PACKET modes need to know about their device, from ioctls in
// the current network namespace.
#pragma once

#include <optional>
#include <string>

#include "core/address.h"
#include "core/result.h"

namespace latlab::agent {

struct InterfaceInfo {
  std::string name;
  int index = 0;
  MacAddress mac{};
  int mtu = 0;
  bool up = false;
  std::optional<Ipv4Address> ipv4;  // first address, if any
};

// Environment error when the device does not exist.
Result<InterfaceInfo> query_interface(const std::string& name);

}  // namespace latlab::agent
