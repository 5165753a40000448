// Link kind "bridge": the bridge device in its node, a veth per member whose
// bridge-side end becomes a port, and the bridge's netfilter hooks off (in
// the root namespace also a FORWARD ACCEPT rule, see NetlinkOps).
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

void plan_bridge(const scenario::Lab& lab, size_t li, PlanBuilder& b) {
  using scenario::IfRole;
  for (const auto& f : lab.interfaces) {
    if (f.link != li) continue;
    if (f.role == IfRole::bridge) {
      b.add(Phase::bridges, CreateBridge{f.node, f.name});
      b.add(Phase::bridge_netfilter, BridgeNetfilterOff{f.node, f.name});
      b.add(Phase::up_bridges, LinkUp{f.node, f.name});
      continue;
    }
    if (f.role == IfRole::bridge_member) {
      auto colon = f.peer.find(':');
      b.add(Phase::devices, CreateVeth{f.node, f.name, f.peer.substr(0, colon), f.peer.substr(colon + 1)});
    } else if (f.role == IfRole::bridge_port) {
      b.add(Phase::masters, SetMaster{f.node, f.name, f.master});
    }
    b.add(Phase::up, LinkUp{f.node, f.name});
  }
}

}  // namespace

const LinkKind& bridge_link_kind() {
  static const LinkKind k{.name = "bridge", .plan = plan_bridge};
  return k;
}

}  // namespace latlab::topology
