// Node kind "host": this machine's root namespace, latlab's own. Nothing to
// create; its objects are made in the root namespace and its sysctls are
// journalled and restored as machine-wide ones.
#include "topology/kinds.h"

namespace latlab::topology {

namespace {
std::string host_netns(const scenario::Node& /*node*/, const std::string& /*lab*/) { return ""; }
}  // namespace

const NodeKind& host_node_kind() {
  static const NodeKind k{.name = "host", .netns_of = host_netns, .plan = nullptr};
  return k;
}

}  // namespace latlab::topology
