// Probe kind "udp": UDP ping-pong against latlab's udp-reflector.
#include "scenario/kinds.h"

namespace latlab::scenario {

const ProbeKind& udp_probe_kind() {
  static const ProbeKind k{.name = "udp",
                           .default_responder = "udp-reflector",
                           .responders = {"udp-reflector"},
                           .header_bytes_v4 = 20 + 8,
                           .header_bytes_v6 = 40 + 8};
  return k;
}

}  // namespace latlab::scenario
