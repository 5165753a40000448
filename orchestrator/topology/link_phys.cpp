// Link kind "phys": an existing device moved into the node (given back with
// its name, MTU, addresses and state at teardown), or a macvlan on it.
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

void plan_phys(const scenario::Lab& lab, size_t li, PlanBuilder& b) {
  for (const auto& f : lab.interfaces) {
    if (f.link != li) continue;
    if (f.role == scenario::IfRole::phys_moved) {
      b.add(Phase::devices, MovePhys{f.node, f.parent, f.name});
      b.add(Phase::up_moved, LinkUp{f.node, f.name});
    } else {
      b.add(Phase::devices, CreateMacvlan{f.node, f.name, f.parent, f.macvlan_mode});
      b.add(Phase::up, LinkUp{f.node, f.name});
    }
  }
}

}  // namespace

const LinkKind& phys_link_kind() {
  static const LinkKind k{.name = "phys", .plan = plan_phys};
  return k;
}

}  // namespace latlab::topology
