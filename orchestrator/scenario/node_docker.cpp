// Node kind "docker": a container from a local image, in its own namespace.
// Parsed and checked here; the topology engine does not build it yet, so
// validate refuses it.
#include "scenario/kinds.h"
#include "scenario/obj_reader.h"

namespace latlab::scenario {

namespace {
void parse_docker(ParseCtx& /*ctx*/, ObjReader& r, Node& node) {
  if (auto img = r.str("image", true)) node.image = *img;
}
}  // namespace

const NodeKind& docker_node_kind() {
  static const NodeKind k{
      .name = "docker", .implemented = false, .own_netns = true, .keys = {"image"}, .parse = parse_docker};
  return k;
}

}  // namespace latlab::scenario
