// Node kind "docker": a container from a local image (latlab's agent image,
// built when missing, by default), on one Docker network, started with the
// agent holding it open as its PID 1, its namespace linked as
// /run/netns/latlab-<lab>-<node> so latlab's own setns, captures and
// `ip netns exec` enter it as they enter a netns node.
#include <algorithm>

#include "topology/kinds.h"

namespace latlab::topology {

namespace {

std::string docker_netns(const scenario::Node& node, const std::string& lab) {
  return node.netns_name.empty() ? scenario::netns_name_for(lab, node.name) : node.netns_name;
}

}  // namespace

// The container's Docker network by Docker's name, and its address there
// when latlab chose it (user-defined networks).
static void container_network(const scenario::Lab& lab, const scenario::Node& node, std::string& network,
                              std::optional<IpAddr>& ipv4) {
  network = node.docker_network.empty() ? std::string("bridge") : node.docker_network;
  for (const auto& f : lab.interfaces) {
    if (f.node != node.name || f.role != scenario::IfRole::container) continue;
    const auto& l = lab.links.at(f.link);
    network = l.docker_name;
    if (!f.addresses.empty()) ipv4 = f.addresses.front().addr;
  }
}

static void plan_docker(const scenario::Lab& lab, const scenario::Node& node, PlanBuilder& b) {
  const bool agent_image = node.image.empty();
  const std::string image = agent_image ? agent_image_ref() : node.image;
  // One check (or build) per image: the first node that names it.
  auto first = std::find_if(lab.nodes.begin(), lab.nodes.end(), [&](const scenario::Node& n) {
    return n.kind == node.kind && n.image == node.image;
  });
  if (&*first == &node) b.add(Phase::images, EnsureImage{node.name, image, agent_image});
  CreateContainer c;
  c.node = node.name;
  c.container = docker_netns(node, lab.name);
  c.image = image;
  c.agent_image = agent_image;
  c.cpus = node.cpus;
  c.netns = c.container;
  container_network(lab, node, c.network, c.ipv4);
  b.add(Phase::namespaces, std::move(c));
}

const NodeKind& docker_node_kind() {
  static const NodeKind k{.name = "docker", .netns_of = docker_netns, .plan = plan_docker};
  return k;
}

}  // namespace latlab::topology
