// Link kind "bridge": a Linux bridge living in one node (docker0-style), with
// member veths whose bridge-side ends are its ports.
#include <cstdio>

#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {

uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// "ll" + 8 hex digits: 10 bytes, stable for (lab, member), distinct across labs.
std::string port_name(const std::string& lab, const std::string& member, int salt) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "ll%08x", fnv1a(lab + "/" + member + "/" + std::to_string(salt)));
  return buf;
}

void parse_bridge_link(ParseCtx& ctx, ObjReader& r, size_t li) {
  LinkSettings base = ctx.read_settings(r, LinkSettings{}, false);
  Link& link0 = ctx.lab.links[li];
  link0.segment = "bridge" + std::to_string(li);
  auto node = r.str("node", true);
  auto name = r.str("name", true);
  const Node* bnode = node ? ctx.node_ref(*node, *r.get("node"), r.ptr("node")) : nullptr;
  bool name_ok = name && ctx.check_ifname(*name, *r.get("name"), r.ptr("name"));
  std::optional<size_t> br;
  if (bnode && name_ok) {
    Interface dev;
    dev.node = *node;
    dev.name = *name;
    dev.role = IfRole::bridge;
    dev.link = li;
    dev.settings.mtu = base.mtu;
    dev.settings.mac = ctx.read_mac(r, "mac");
    dev.src = r.src("name");
    dev.fields = r.field_refs();
    if (r.get("addresses")) {
      dev.addresses_declared = true;
      dev.addresses = ctx.read_addresses(r, "addresses", &dev.fields);
    }
    br = ctx.add_interface(std::move(dev), *r.get("name"));
  }
  const JValue* members = r.require("members");
  if (!members) return;
  if (members->type != JValue::Type::array) {
    ctx.d.add(members->pos, r.ptr("members"), type_mismatch("an array of member endpoints", *members));
    return;
  }
  if (br) ctx.lab.links[li].interfaces.push_back(ctx.lab.interfaces[*br].id());
  for (size_t k = 0; k < members->items.size(); ++k) {
    std::string p = r.ptr("members") + "/" + std::to_string(k);
    const JValue* obj = nullptr;
    auto m = ctx.endpoint(members->items[k], p, li, IfRole::bridge_member, base, {"port"}, &obj);
    if (!m || !br) continue;
    Interface& member = ctx.lab.interfaces[*m];
    std::string member_id = member.id();
    std::string port;
    const JValue* port_v = obj ? obj->get("port") : nullptr;
    if (port_v) {
      auto s = as_string(ctx.d, *port_v, p + "/port");
      if (!s || !ctx.check_ifname(*s, *port_v, p + "/port")) continue;
      port = *s;
    } else {
      int salt = 0;
      do {
        port = port_name(ctx.lab.name, member_id, salt++);
      } while (ctx.lab.find_interface(*node, port));
    }
    Interface pi;
    pi.node = *node;
    pi.name = port;
    pi.role = IfRole::bridge_port;
    pi.master = *name;
    pi.peer = member_id;
    pi.link = li;
    pi.settings.mtu = base.mtu;
    pi.addresses_declared = true;  // ports carry no addresses
    pi.src = SourceRef{p + (port_v ? "/port" : ""), (port_v ? *port_v : members->items[k]).pos.line,
                       (port_v ? *port_v : members->items[k]).pos.col};
    auto pidx = ctx.add_interface(std::move(pi), port_v ? *port_v : members->items[k]);
    if (!pidx) continue;
    ctx.lab.interfaces[*m].peer = ctx.lab.interfaces[*pidx].id();
    ctx.lab.links[li].interfaces.push_back(member_id);
    ctx.lab.links[li].interfaces.push_back(ctx.lab.interfaces[*pidx].id());
  }
}

}  // namespace

const LinkKind& bridge_link_kind() {
  static const LinkKind k{
      .name = "bridge",
      .keys = with_link_settings({"kind", "node", "name", "addresses", "mac", "members", "static_neighbors"}),
      .parse = parse_bridge_link};
  return k;
}

}  // namespace latlab::scenario
