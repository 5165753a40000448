// The devices this machine is reached by, and the phys links that would move
// one of them into a node (cutting the machine off its network until
// teardown) without saying so with "allow_uplink": true. Reading them is
// read-only: the IPv4 and IPv6 default routes (/proc/net/route,
// /proc/net/ipv6_route) and the address of the SSH session latlab runs in
// ($SSH_CONNECTION, found among the machine's addresses). $LATLAB_UPLINKS
// ("dev1,dev2", or empty for none) replaces what is found.
#pragma once

#include <map>
#include <string>

#include "scenario/diag.h"
#include "scenario/model.h"

namespace latlab::scenario {

// device -> why it is an uplink ("carries this machine's default route").
using Uplinks = std::map<std::string, std::string>;
Uplinks uplink_devices();

// One error per phys link of host that moves an uplink without allow_uplink.
void check_uplinks(Diags& d, const Lab& lab, const std::string& host, const Uplinks& uplinks);

}  // namespace latlab::scenario
