// Responder kind "raw": the agent answers ICMP echo and ARP for its own
// address on one device, from an AF_PACKET ring.
#include "run/kinds.h"

namespace latlab::run {

namespace {
void raw_responder_args(const scenario::Experiment& e, std::vector<std::string>& a) {
  a.insert(a.end(), {"--ifname", e.responder.interface, "--address", e.responder.address->str()});
  if (e.options.qdisc_bypass) a.insert(a.end(), {"--qdisc-bypass", *e.options.qdisc_bypass ? "on" : "off"});
}
}  // namespace

const ResponderKind& raw_responder_kind() {
  static const ResponderKind k{.name = "raw", .agent_args = raw_responder_args};
  return k;
}

}  // namespace latlab::run
