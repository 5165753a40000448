// Responder kind "kernel": the target's own kernel answers (ICMP echo). No
// agent runs, so it cannot spin or delay.
#include "scenario/kinds.h"

namespace latlab::scenario {

const ResponderKind& kernel_responder_kind() {
  static const ResponderKind k{.name = "kernel", .agent_mode = "", .waits = {"block"}};
  return k;
}

}  // namespace latlab::scenario
