// Probe kind "raw": ICMP echo frames built in user space and sent on an
// AF_PACKET socket (TPACKET_V3 ring), so it needs a device on a path to a
// peer, and IPv4.
#include "scenario/kinds.h"

namespace latlab::scenario {

namespace {

bool validate_raw(Diags& d, const Lab& /*lab*/, const Experiment& e) {
  if (e.path_kind != PathKind::peer) {
    d.add(field_ref(e.src, e.fields, "to"), "probe raw sends frames on a device; target \"" + e.to_text +
                                                "\" is local to node \"" + e.from_node +
                                                "\" (use probe icmp or udp)");
    return false;
  }
  if (e.family != 4) {
    d.add(field_ref(e.src, e.fields, "family"), "probe raw builds IPv4 frames; family 6 is not supported");
    return false;
  }
  return true;
}

}  // namespace

const ProbeKind& raw_probe_kind() {
  static const ProbeKind k{.name = "raw",
                           .default_responder = "kernel",
                           .responders = {"kernel", "raw"},
                           .header_bytes_v4 = 20 + 8,
                           .header_bytes_v6 = 40 + 8,
                           .needs_device = true,
                           .option_keys = {"qdisc_bypass", "fanout", "ring_blocks", "ring_block_size"},
                           .validate = validate_raw};
  return k;
}

}  // namespace latlab::scenario
