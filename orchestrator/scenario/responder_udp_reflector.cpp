// Responder kind "udp-reflector": latlab-agent's UDP echo server in the
// target node.
#include "scenario/kinds.h"

namespace latlab::scenario {

const ResponderKind& udp_reflector_responder_kind() {
  static const ResponderKind k{
      .name = "udp-reflector", .agent_mode = "udp-reflector", .waits = {"block", "spin", "busy_poll"}};
  return k;
}

}  // namespace latlab::scenario
