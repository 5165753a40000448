// Link kind "phys": an existing device, moved into a node (and given back at
// teardown) or used as the parent of a macvlan in the node.
#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {
void parse_phys_link(ParseCtx& ctx, ObjReader& r, size_t li) {
  Link& link = ctx.lab.links[li];
  auto device = r.str("device", true);
  auto node = r.str("node", true);
  std::string mode = "move";
  if (r.get("mode")) {
    auto m = r.one_of("mode", {"move", "macvlan"}, "phys mode");
    if (!m) return;
    mode = *m;
  }
  if (!device || !ctx.check_ifname(*device, *r.get("device"), r.ptr("device"))) return;
  link.segment = "phys:" + *device;
  if (!node) return;
  const Node* n = ctx.node_ref(*node, *r.get("node"), r.ptr("node"));
  if (!n) return;
  if (mode == "move" && n->root_namespace) {
    ctx.d.add(r.get("node")->pos, r.ptr("node"),
              "mode move needs a node with its own namespace; \"" + *node +
                  "\" is the root namespace, where the device already is (use mode macvlan)");
    return;
  }
  std::string macvlan_mode = "bridge";
  if (r.get("macvlan_mode")) {
    if (mode != "macvlan") {
      ctx.d.add(r.get("macvlan_mode")->pos, r.ptr("macvlan_mode"),
                "\"macvlan_mode\" applies to mode macvlan, not move");
      return;
    }
    auto mm = r.one_of("macvlan_mode", {"bridge", "private", "vepa", "passthru"}, "macvlan mode");
    if (!mm) return;
    macvlan_mode = *mm;
  }
  Interface iface;
  iface.node = *node;
  iface.link = li;
  iface.parent = *device;
  iface.role = mode == "move" ? IfRole::phys_moved : IfRole::macvlan;
  iface.macvlan_mode = mode == "macvlan" ? macvlan_mode : "";
  iface.src = r.src("device");
  iface.fields = r.field_refs();
  if (auto ifn = r.str("ifname")) {
    if (!ctx.check_ifname(*ifn, *r.get("ifname"), r.ptr("ifname"))) return;
    iface.name = *ifn;
    iface.src = r.src("ifname");
  } else if (mode == "move") {
    iface.name = *device;
  } else {
    ctx.d.add(r.value().pos, r.pointer(), "mode macvlan needs \"ifname\", the macvlan's name in the node");
    return;
  }
  if (auto up = r.boolean("allow_uplink")) {
    if (mode != "move") {
      ctx.d.add(r.get("allow_uplink")->pos, r.ptr("allow_uplink"),
                "\"allow_uplink\" applies to mode move (a macvlan leaves its parent where it is)");
      return;
    }
    iface.allow_uplink = *up;
  }
  iface.settings = ctx.read_settings(r, LinkSettings{}, true);
  // Existing devices keep what they have unless told: no automatic addresses.
  iface.addresses_declared = true;
  if (r.get("addresses")) iface.addresses = ctx.read_addresses(r, "addresses", &iface.fields);
  auto idx = ctx.add_interface(std::move(iface), *r.get("device"));
  if (idx) link.interfaces.push_back(ctx.lab.interfaces[*idx].id());
}

}  // namespace

// Its addresses belong to the network the device is on, not to a lab subnet.
const LinkKind& phys_link_kind() {
  static const LinkKind k{.name = "phys",
                          .keys = with_link_settings({"kind", "device", "node", "mode", "ifname", "addresses",
                                                      "mac", "macvlan_mode", "allow_uplink"}),
                          .one_subnet = false,
                          .parse = parse_phys_link};
  return k;
}

}  // namespace latlab::scenario
