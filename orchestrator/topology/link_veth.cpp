// Link kind "veth": one pair, both ends created directly in their nodes.
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

void plan_veth(const scenario::Lab& lab, size_t li, PlanBuilder& b) {
  for (const auto& f : lab.interfaces) {
    if (f.link != li) continue;
    b.add(Phase::up, LinkUp{f.node, f.name});
    // The pair once: from the end that comes first.
    auto colon = f.peer.find(':');
    std::string pn = f.peer.substr(0, colon), pi = f.peer.substr(colon + 1);
    const scenario::Interface* peer = lab.find_interface(pn, pi);
    if (peer && peer < &f) continue;
    b.add(Phase::devices, CreateVeth{f.node, f.name, pn, pi});
  }
}

}  // namespace

const LinkKind& veth_link_kind() {
  static const LinkKind k{.name = "veth", .plan = plan_veth};
  return k;
}

}  // namespace latlab::topology
