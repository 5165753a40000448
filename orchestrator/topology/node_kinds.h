// Node kinds the topology engine can build, as a registry (one entry per kind).
#pragma once

#include <string>

#include "scenario/model.h"
#include "util/result.h"

namespace latlab::topology {

struct NodeKind {
  const char* name;
  // The namespace the node's objects live in ("" = the host namespace).
  std::string (*netns_of)(const scenario::Node& node, const std::string& lab);
};

// nullptr when the kind is unknown to the topology engine.
const NodeKind* find_node_kind(const std::string& name);
// "host, netns"
std::string supported_node_kinds();
// The namespace of a node, or an error naming the supported kinds.
Result<std::string> node_netns(const scenario::Node& node, const std::string& lab);

}  // namespace latlab::topology
