// Probe kind "udp": UDP to the responder's port.
#include "run/kinds.h"

namespace latlab::run {

namespace {
void udp_args(const scenario::Experiment& e, uint32_t /*ident*/, std::vector<std::string>& a) {
  a.insert(a.end(), {"--port", std::to_string(e.responder.port)});
}
}  // namespace

const ProbeKind& udp_probe_kind() {
  static const ProbeKind k{.name = "udp", .echo = Echo::udp, .agent_args = udp_args};
  return k;
}

}  // namespace latlab::run
