// Probe kind "icmp": ICMP echo requests from a datagram socket, answered by
// the target's kernel.
#include "scenario/kinds.h"

namespace latlab::scenario {

const ProbeKind& icmp_probe_kind() {
  static const ProbeKind k{.name = "icmp",
                           .default_responder = "kernel",
                           .responders = {"kernel"},
                           .header_bytes_v4 = 20 + 8,
                           .header_bytes_v6 = 40 + 8};
  return k;
}

}  // namespace latlab::scenario
