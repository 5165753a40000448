// Node kind "netns": a namespace the lab creates as /run/netns/<name>
// (iproute2's convention, so `ip netns exec` enters it too), loopback up.
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

std::string netns_netns(const scenario::Node& node, const std::string& lab) {
  return node.netns_name.empty() ? scenario::netns_name_for(lab, node.name) : node.netns_name;
}

void plan_netns(const scenario::Lab& /*lab*/, const scenario::Node& node, PlanBuilder& b) {
  b.add(Phase::namespaces, CreateNetns{node.name, node.netns_name});
  b.add(Phase::node_setup, LinkUp{node.name, "lo"});
}

}  // namespace

const NodeKind& netns_node_kind() {
  static const NodeKind k{.name = "netns", .netns_of = netns_netns, .plan = plan_netns};
  return k;
}

}  // namespace latlab::topology
