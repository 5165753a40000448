// Link kind "vxlan": each end created in its node over the node's underlay,
// with the addresses the scenario resolved.
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

void plan_vxlan(const scenario::Lab& lab, size_t li, PlanBuilder& b) {
  const scenario::Link& link = lab.links[li];
  for (const auto& f : lab.interfaces) {
    if (f.link != li || !f.vxlan_local || !f.vxlan_remote) continue;
    b.add(Phase::devices,
          CreateVxlan{f.node, f.name, link.vni, link.port, *f.vxlan_local, *f.vxlan_remote, f.underlay});
    b.add(Phase::up, LinkUp{f.node, f.name});
  }
}

}  // namespace

const LinkKind& vxlan_link_kind() {
  static const LinkKind k{.name = "vxlan", .plan = plan_vxlan};
  return k;
}

}  // namespace latlab::topology
