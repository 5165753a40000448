// Link kind "vxlan": a point-to-point VXLAN tunnel between two nodes, each end
// a vxlan device in its node that sends over an underlay interface of the
// same node to the other end's underlay address. On one machine the underlay
// is a lab link; between machines it is each host's own network.
#include <algorithm>

#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {

constexpr uint16_t kVxlanPort = 4789;  // IANA's
constexpr uint32_t kMaxVni = (1u << 24) - 1;
constexpr uint32_t kFirstAllocatedVni = 4096;

// Outer Ethernet is not counted in the MTU: outer IP + UDP + VXLAN + inner Ethernet.
uint32_t overhead(int family) { return family == 4 ? 50 : 70; }

std::string q(const std::string& s) { return "\"" + s + "\""; }

// The same VNI for the same lab and link on every run, spread over the
// 24-bit space so that two labs sharing an underlay rarely meet (FNV-1a).
uint32_t allocated_vni(const std::string& lab, size_t li) {
  uint32_t h = 2166136261u;
  for (char c : lab + ":" + std::to_string(li)) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return kFirstAllocatedVni + h % (kMaxVni - kFirstAllocatedVni + 1);
}

void parse_vxlan_link(ParseCtx& ctx, ObjReader& r, size_t li) {
  Link& link = ctx.lab.links[li];
  link.fields = r.field_refs();
  if (auto vni = r.integer("vni", 1, kMaxVni)) link.vni = static_cast<uint32_t>(*vni);
  link.port = kVxlanPort;
  if (auto port = r.integer("port", 1, 65535)) link.port = static_cast<uint16_t>(*port);
  LinkSettings base = ctx.read_settings(r, LinkSettings{}, false);
  const JValue* eps = r.require("endpoints");
  if (!eps) return;
  if (eps->type != JValue::Type::array || eps->items.size() != 2) {
    ctx.d.add(eps->pos, r.ptr("endpoints"), "a vxlan link has exactly 2 endpoints, each {\"at\": \"node:ifname\", \"underlay\": \"ifname\"}");
    return;
  }
  std::optional<size_t> ends[2];
  for (size_t k = 0; k < 2; ++k) {
    const std::string p = r.ptr("endpoints") + "/" + std::to_string(k);
    const JValue& ev = eps->items[k];
    if (ev.type != JValue::Type::object) {
      ctx.d.add(ev.pos, p, type_mismatch("an endpoint object {\"at\": \"node:ifname\", \"underlay\": \"ifname\"}", ev));
      continue;
    }
    const JValue* obj = nullptr;
    ends[k] = ctx.endpoint(ev, p, li, IfRole::vxlan, base, {"underlay", "local"}, &obj);
    if (!ends[k]) continue;
    Interface& f = ctx.lab.interfaces[*ends[k]];
    const JValue* under = ev.get("underlay");
    if (!under) {
      ctx.d.add(ev.pos, p, "missing required key \"underlay\": the interface of node " + q(f.node) +
                               " the tunnel runs over");
    } else if (under->type != JValue::Type::string) {
      ctx.d.add(under->pos, p + "/underlay", type_mismatch("an interface name", *under));
    } else if (ctx.check_ifname(under->string, *under, p + "/underlay")) {
      if (under->string == f.name)
        ctx.d.add(under->pos, p + "/underlay", "a vxlan device cannot run over itself");
      else
        f.underlay = under->string;
    }
    if (const JValue* local = ev.get("local")) {
      auto a = local->type == JValue::Type::string ? IpAddr::parse(local->string) : std::nullopt;
      if (!a || a->is_unspecified() || a->is_multicast() || a->is_loopback())
        ctx.d.add(local->pos, p + "/local", "\"local\" is the underlay address of this end, a unicast IP address");
      else
        f.vxlan_local = *a;
    }
  }
  link.segment = "vxlan" + std::to_string(li);
  if (!ends[0] || !ends[1]) return;
  Interface& a = ctx.lab.interfaces[*ends[0]];
  Interface& b = ctx.lab.interfaces[*ends[1]];
  if (a.node == b.node) {
    ctx.d.add(b.src, "both ends of a vxlan link are in node " + q(a.node) + "; a tunnel joins two nodes");
    return;
  }
  a.peer = b.id();
  b.peer = a.id();
  link.interfaces = {a.id(), b.id()};
}

// The underlay addresses of one end in the family of the other's, IPv4 first.
std::vector<IpAddr> underlay_addresses(const Lab& lab, const Interface& f) {
  if (f.vxlan_local) return {*f.vxlan_local};
  std::vector<IpAddr> out;
  if (const Interface* u = lab.find_interface(f.node, f.underlay))
    for (const auto& p : u->addresses) out.push_back(p.addr);
  std::stable_sort(out.begin(), out.end(), [](const IpAddr& x, const IpAddr& y) { return x.family < y.family; });
  return out;
}

void resolve_vxlan_link(Diags& d, Lab& lab, size_t li) {
  Link& link = lab.links[li];
  if (link.interfaces.size() != 2) return;
  if (link.vni == 0) link.vni = allocated_vni(lab.name, li);
  Interface* ends[2] = {nullptr, nullptr};
  for (auto& f : lab.interfaces)
    for (size_t k = 0; k < 2; ++k)
      if (f.id() == link.interfaces[k]) ends[k] = &f;
  for (const Interface* f : ends)
    if (!f || f->underlay.empty()) return;
  std::vector<IpAddr> addrs[2];
  for (size_t k = 0; k < 2; ++k) {
    const Interface& f = *ends[k];
    if (!f.vxlan_local && !lab.find_interface(f.node, f.underlay)) {
      d.add(field_ref(f.src, f.fields, "underlay"),
            "underlay " + q(f.underlay) + " is not an interface this lab gives node " + q(f.node) +
                "; name one, or give this end's underlay address with \"local\"");
      return;
    }
    addrs[k] = underlay_addresses(lab, f);
    if (addrs[k].empty()) {
      d.add(field_ref(f.src, f.fields, "underlay"),
            "underlay " + q(f.node + ":" + f.underlay) +
                " has no address for the tunnel to send from");
      return;
    }
  }
  for (const IpAddr& x : addrs[0]) {
    auto y = std::find_if(addrs[1].begin(), addrs[1].end(), [&](const IpAddr& a) { return a.family == x.family; });
    if (y == addrs[1].end()) continue;
    ends[0]->vxlan_local = x;
    ends[0]->vxlan_remote = *y;
    ends[1]->vxlan_local = *y;
    ends[1]->vxlan_remote = x;
    break;
  }
  if (!ends[0]->vxlan_remote) {
    d.add(ends[1]->src, "the underlays of " + q(ends[0]->id()) + " and " + q(ends[1]->id()) +
                            " share no address family");
    return;
  }
  const int family = ends[0]->vxlan_local->family;
  for (Interface* f : ends) {
    const Interface* u = lab.find_interface(f->node, f->underlay);
    const uint32_t under_mtu = u && u->settings.mtu ? *u->settings.mtu : 1500;
    if (under_mtu <= overhead(family)) {
      d.add(f->src, "underlay " + q(f->underlay) + " (mtu " + std::to_string(under_mtu) + ") leaves no room for VXLAN");
      continue;
    }
    const uint32_t room = under_mtu - overhead(family);
    if (!f->settings.mtu) {
      f->settings.mtu = room;
    } else if (*f->settings.mtu > room) {
      d.add(f->fields.count("mtu") ? field_ref(f->src, f->fields, "mtu") : field_ref(link.src, link.fields, "mtu"),
            "mtu " + std::to_string(*f->settings.mtu) + " does not fit in underlay " + q(f->underlay) + " (mtu " +
                std::to_string(under_mtu) + ") with VXLAN's " + std::to_string(overhead(family)) +
                " bytes over IPv" + std::to_string(family) + ": at most " + std::to_string(room));
    }
  }
}

}  // namespace

const LinkKind& vxlan_link_kind() {
  static const LinkKind k{.name = "vxlan",
                          .keys = with_link_settings({"kind", "endpoints", "vni", "port", "static_neighbors"}),
                          .spans_hosts = true,
                          .parse = parse_vxlan_link,
                          .resolve = resolve_vxlan_link};
  return k;
}

}  // namespace latlab::scenario
