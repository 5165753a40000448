// The topology engine's registries: one explicit list per kind family. A new
// kind is one file (<family>_<kind>.cpp) and one line here.
#include "topology/kinds.h"

#include "topology/netns.h"
#include "util/kind_registry.h"

namespace latlab::topology {

const std::vector<NodeKind>& node_kinds() {
  static const std::vector<NodeKind> kinds = {host_node_kind(), netns_node_kind(), docker_node_kind()};
  return kinds;
}

const std::vector<LinkKind>& link_kinds() {
  static const std::vector<LinkKind> kinds = {veth_link_kind(), bridge_link_kind(), phys_link_kind(),
                                                docker_network_link_kind(), vxlan_link_kind()};
  return kinds;
}

const std::vector<QdiscKind>& qdisc_kinds() {
  static const std::vector<QdiscKind> kinds = {tbf_qdisc_kind(), netem_qdisc_kind()};
  return kinds;
}

namespace {
constexpr const char* kEngine = "the topology engine";
}  // namespace

Result<const NodeKind*> node_kind(const scenario::Node& node) {
  return find_kind_or_error(node_kinds(), node.kind, "node", kEngine, ExitCode::environment);
}
Result<const LinkKind*> link_kind(const scenario::Link& link) {
  return find_kind_or_error(link_kinds(), link.kind, "link", kEngine, ExitCode::environment);
}
Result<const QdiscKind*> qdisc_kind(const scenario::QdiscSpec& q) {
  return find_kind_or_error(qdisc_kinds(), q.kind, "qdisc", kEngine, ExitCode::environment);
}

Result<std::string> node_netns(const scenario::Node& node, const std::string& lab) {
  auto k = node_kind(node);
  if (!k) return std::move(k).error().context("node \"" + node.name + "\"");
  return (*k)->netns_of(node, lab);
}

std::string netns_path(const scenario::Node& node) {
  return node.netns_name.empty() ? std::string() : netns_path(node.netns_name);
}

}  // namespace latlab::topology
