// Link kind "docker-network": a user-defined Docker bridge network latlab
// creates (labelled latlab.lab, its Linux bridge named by latlab) before the
// containers that join it, and removes after them. docker0 ("bridge") is
// used as it is: nothing is planned for it.
#include "topology/kinds.h"

namespace latlab::topology {

namespace {

void plan_docker_network(const scenario::Lab& lab, size_t li, PlanBuilder& b) {
  const scenario::Link& l = lab.links.at(li);
  if (l.docker_default || !l.subnet) return;
  b.add(Phase::docker_networks, CreateDockerNetwork{"", l.name, l.docker_name, *l.subnet, l.bridge, l.forward});
}

}  // namespace

const LinkKind& docker_network_link_kind() {
  static const LinkKind k{.name = "docker-network", .plan = plan_docker_network};
  return k;
}

}  // namespace latlab::topology
