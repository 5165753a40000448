#include "topology/node_kinds.h"

namespace latlab::topology {

namespace {

std::string host_netns(const scenario::Node& /*node*/, const std::string& /*lab*/) { return ""; }

std::string netns_netns(const scenario::Node& node, const std::string& lab) {
  return node.netns_name.empty() ? scenario::netns_name_for(lab, node.name) : node.netns_name;
}

// The one list of node kinds. ("docker" joins when a ContainerRuntime exists.)
const NodeKind kinds[] = {
    {"host", host_netns},
    {"netns", netns_netns},
};

}  // namespace

const NodeKind* find_node_kind(const std::string& name) {
  for (const auto& k : kinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

std::string supported_node_kinds() {
  std::string out;
  for (const auto& k : kinds) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

Result<std::string> node_netns(const scenario::Node& node, const std::string& lab) {
  const NodeKind* k = find_node_kind(node.kind);
  if (k == nullptr) {
    return Error("node \"" + node.name + "\": node kind \"" + node.kind +
                     "\" is not supported by the topology engine; supported kinds are " +
                     supported_node_kinds(),
                 0, ExitCode::environment);
  }
  return k->netns_of(node, lab);
}

}  // namespace latlab::topology
