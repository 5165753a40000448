// Node kind "netns": a network namespace of the lab's own.
#include "scenario/kinds.h"

namespace latlab::scenario {

const NodeKind& netns_node_kind() {
  static const NodeKind k{.name = "netns", .implemented = true, .own_netns = true};
  return k;
}

}  // namespace latlab::scenario
