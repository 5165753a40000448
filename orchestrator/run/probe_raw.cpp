// Probe kind "raw": ICMP echo frames on the egress device's AF_PACKET ring,
// with the ring and qdisc options; it answers and sends ARP itself.
#include "run/kinds.h"

namespace latlab::run {

namespace {
void raw_args(const scenario::Experiment& e, uint32_t ident, std::vector<std::string>& a) {
  a.insert(a.end(), {"--ident", std::to_string(ident & 0xffff)});
  auto colon = e.egress.find(':');
  a.insert(a.end(), {"--ifname", e.egress.substr(colon + 1)});
  const auto& o = e.options;
  if (o.qdisc_bypass) a.insert(a.end(), {"--qdisc-bypass", *o.qdisc_bypass ? "on" : "off"});
  if (o.fanout) a.insert(a.end(), {"--fanout", std::to_string(*o.fanout)});
  if (o.ring_blocks) a.insert(a.end(), {"--ring-blocks", std::to_string(*o.ring_blocks)});
  if (o.ring_block_size) a.insert(a.end(), {"--ring-block-size", std::to_string(*o.ring_block_size)});
}
}  // namespace

const ProbeKind& raw_probe_kind() {
  static const ProbeKind k{.name = "raw", .echo = Echo::icmp, .sends_arp = true, .agent_args = raw_args};
  return k;
}

}  // namespace latlab::run
