// Responder kind "raw": latlab-agent's AF_PACKET responder. It answers ICMP
// echo and ARP for an address of its own on one device, an address the
// kernel must not have (or the kernel would answer too).
#include "scenario/kinds.h"

namespace latlab::scenario {

namespace {

bool validate_raw_responder(Diags& d, const Lab& lab, const Experiment& e) {
  const SourceRef ref = field_ref(e.src, e.fields, "responder");
  for (const auto& f : lab.interfaces)
    for (const auto& a : f.addresses)
      if (e.responder.address && a.addr == *e.responder.address)
        d.add(ref, "raw responder address " + a.addr.str() + " is also the kernel's address on \"" + f.id() +
                       "\"; the kernel would answer too");
  if (e.responder.interface.empty()) {
    d.add(ref, "a raw responder needs a device: set \"to\" or responder \"at\" to \"node:ifname\"");
    return false;
  }
  return true;
}

}  // namespace

const ResponderKind& raw_responder_kind() {
  static const ResponderKind k{.name = "raw",
                               .agent_mode = "raw-responder",
                               .waits = {"block", "busy_poll"},
                               .own_address = true,
                               .validate = validate_raw_responder};
  return k;
}

}  // namespace latlab::scenario
