// Link kind "veth": a point-to-point pair between two endpoints.
#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {
void parse_veth_link(ParseCtx& ctx, ObjReader& r, size_t li) {
  LinkSettings base = ctx.read_settings(r, LinkSettings{}, false);
  const JValue* eps = r.require("endpoints");
  if (!eps) return;
  if (eps->type != JValue::Type::array) {
    ctx.d.add(eps->pos, r.ptr("endpoints"), type_mismatch("an array of two endpoints", *eps));
    return;
  }
  if (eps->items.size() != 2) {
    ctx.d.add(eps->pos, r.ptr("endpoints"),
              "a veth link has exactly 2 endpoints, found " + std::to_string(eps->items.size()));
    return;
  }
  std::optional<size_t> ends[2];
  for (size_t k = 0; k < 2; ++k)
    ends[k] =
        ctx.endpoint(eps->items[k], r.ptr("endpoints") + "/" + std::to_string(k), li, IfRole::veth, base, {});
  Link& link = ctx.lab.links[li];
  link.segment = "veth" + std::to_string(li);
  if (!ends[0] || !ends[1]) return;
  Interface& a = ctx.lab.interfaces[*ends[0]];
  Interface& b = ctx.lab.interfaces[*ends[1]];
  a.peer = b.id();
  b.peer = a.id();
  link.interfaces = {a.id(), b.id()};
}

}  // namespace

const LinkKind& veth_link_kind() {
  static const LinkKind k{.name = "veth",
                          .keys = with_link_settings({"kind", "endpoints", "static_neighbors"}),
                          .parse = parse_veth_link};
  return k;
}

}  // namespace latlab::scenario
