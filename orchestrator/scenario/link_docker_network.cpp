// Link kind "docker-network": a user-defined Docker bridge network that latlab
// creates (labelled latlab.lab) and removes. Containers join it with their
// node's "network"; its Linux bridge, in the root namespace, is the host's
// side (the gateway, .1) and carries a name latlab chooses.
#include <algorithm>
#include <cstdio>

#include "scenario/kinds.h"
#include "scenario/obj_reader.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {

// The benchmarking range (RFC 2544) the lab's addresses come from.
const Prefix& benchmarking_pool() {
  static const Prefix p = *Prefix::parse("198.18.0.0/15");
  return p;
}

// "lld" + 8 hex digits, stable for (lab, network).
std::string bridge_name(const std::string& lab, const std::string& name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : lab + "/" + name) {
    h ^= c;
    h *= 16777619u;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "lld%08x", h);
  return buf;
}

void parse_docker_network(ParseCtx& ctx, ObjReader& r, size_t li) {
  Link& link = ctx.lab.links[li];
  auto name = r.str("name", true);
  auto subnet_s = r.str("subnet", true);
  if (!name || !ctx.check_object_name(*name, "docker network", 32, *r.get("name"), r.ptr("name"))) return;
  if (*name == "bridge" || *name == "none" || *name == "host") {
    ctx.d.add(r.get("name")->pos, r.ptr("name"),
              "docker network name " + quote_text(*name) + " is Docker's own; choose another");
    return;
  }
  for (const auto& other : ctx.lab.links) {
    if (&other != &link && other.name == *name && !other.docker_name.empty()) {
      ctx.d.add(r.get("name")->pos, r.ptr("name"),
                "docker network " + quote_text(*name) + " is already declared at " + other.src.pointer);
      return;
    }
  }
  link.name = *name;
  link.docker_name = netns_name_for(ctx.lab.name, *name);
  link.segment = "docker:" + *name;
  if (auto fw = r.boolean("forward")) link.forward = *fw;
  link.bridge = bridge_name(ctx.lab.name, *name);
  if (auto br = r.str("bridge")) {
    if (!ctx.check_ifname(*br, *r.get("bridge"), r.ptr("bridge"))) return;
    link.bridge = *br;
  }
  if (!subnet_s) return;
  const JValue* sv = r.get("subnet");
  auto subnet = Prefix::parse(*subnet_s);
  if (!subnet || subnet->family() != 4 || subnet->len > 29) {
    ctx.d.add(sv->pos, r.ptr("subnet"),
              quote_text(*subnet_s) + " is not an IPv4 subnet of at most /29 (e.g. \"198.18.30.0/24\")");
    return;
  }
  if (!benchmarking_pool().contains(subnet->addr) || subnet->len < benchmarking_pool().len) {
    ctx.d.add(sv->pos, r.ptr("subnet"),
              "subnet " + subnet->str() + " is outside 198.18.0.0/15 (latlab's labs use only that range)");
    return;
  }
  link.subnet = subnet->network();
  auto host = std::find_if(ctx.lab.nodes.begin(), ctx.lab.nodes.end(),
                           [](const Node& n) { return n.root_namespace; });
  if (host == ctx.lab.nodes.end()) return;
  Interface br;
  br.node = host->name;
  br.name = link.bridge;
  br.role = IfRole::docker_bridge;
  br.link = li;
  br.src = r.src("name");
  Prefix gw = *link.subnet;
  gw.addr = *link.subnet->host(1);
  br.addresses = {gw};
  br.addresses_declared = true;
  if (auto idx = ctx.add_interface(std::move(br), *r.get("name")))
    link.interfaces.push_back(ctx.lab.interfaces[*idx].id());
}

}  // namespace

const LinkKind& docker_network_link_kind() {
  static const LinkKind k{.name = "docker-network",
                          .keys = {"kind", "name", "subnet", "bridge", "forward"},
                          .one_subnet = true,
                          .parse = parse_docker_network};
  return k;
}

}  // namespace latlab::scenario
