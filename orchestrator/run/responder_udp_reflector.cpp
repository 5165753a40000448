// Responder kind "udp-reflector": the agent echoes UDP on the port, in the
// experiment's address family.
#include "run/kinds.h"

namespace latlab::run {

namespace {
void reflector_args(const scenario::Experiment& e, std::vector<std::string>& a) {
  a.insert(a.end(), {"--port", std::to_string(e.responder.port), "--family", std::to_string(e.family)});
}
}  // namespace

const ResponderKind& udp_reflector_responder_kind() {
  static const ResponderKind k{.name = "udp-reflector", .agent_args = reflector_args};
  return k;
}

}  // namespace latlab::run
