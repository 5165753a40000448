// Responder kind "kernel": the target's kernel answers; no agent runs.
#include "run/kinds.h"

namespace latlab::run {

const ResponderKind& kernel_responder_kind() {
  static const ResponderKind k{.name = "kernel", .agent_args = nullptr};
  return k;
}

}  // namespace latlab::run
