// Node kind "host": this machine's root namespace. Its sysctls change the
// whole machine, so each needs "allow_global_sysctls"; a lab has one at most.
#include "scenario/kinds.h"

namespace latlab::scenario {

const NodeKind& host_node_kind() {
  static const NodeKind k{.name = "host", .implemented = true, .own_netns = false, .root_namespace = true};
  return k;
}

}  // namespace latlab::scenario
