// Load kind "udp": iperf3 UDP streams at "bandwidth" ("0": as fast as the
// sender can write), datagrams of "payload" bytes.
#include "scenario/kinds.h"

namespace latlab::scenario {

const LoadKind& udp_load_kind() {
  static const LoadKind k{.name = "udp", .needs_bandwidth = true, .max_payload = 65507};
  return k;
}

}  // namespace latlab::scenario
