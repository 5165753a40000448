// Probe kind "icmp": the agent's ping socket, with the run's identifier.
#include "run/kinds.h"

namespace latlab::run {

namespace {
void icmp_args(const scenario::Experiment& /*e*/, uint32_t ident, std::vector<std::string>& a) {
  a.insert(a.end(), {"--ident", std::to_string(ident & 0xffff)});
}
}  // namespace

const ProbeKind& icmp_probe_kind() {
  static const ProbeKind k{.name = "icmp", .echo = Echo::icmp, .agent_args = icmp_args};
  return k;
}

}  // namespace latlab::run
