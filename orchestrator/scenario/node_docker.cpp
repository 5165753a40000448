// Node kind "docker": a real container from a local image, on one Docker
// network ("bridge" = docker0, a docker-network link of the lab, or "none"),
// its namespace linked under /run/netns like a netns node's. Lab veth and
// bridge links reach into it as into a netns node.
#include <algorithm>

#include "scenario/kinds.h"
#include "scenario/obj_reader.h"
#include "scenario/parse_ctx.h"

namespace latlab::scenario {

namespace {

// The interface a container has on its Docker network.
constexpr const char* kContainerIf = "eth0";

void parse_docker(ParseCtx& /*ctx*/, ObjReader& r, Node& node) {
  if (auto img = r.str("image")) node.image = *img;
  node.docker_network = "bridge";
  if (auto net = r.str("network")) node.docker_network = *net;
  node.network_src = r.src("network");
  if (auto agent = r.one_of("agent", {"exec", "setns"}, "agent mode")) node.agent_setns = *agent == "setns";
  node.agent_exec = !node.agent_setns;
}

// docker0, as an implicit link every container on "bridge" shares; the
// engine addresses it, latlab never changes it.
size_t default_bridge_link(ParseCtx& ctx, const Node& node) {
  for (size_t i = 0; i < ctx.lab.links.size(); ++i)
    if (ctx.lab.links[i].docker_default) return i;
  Link l;
  l.kind = "docker-network";
  l.docker_name = "bridge";
  l.bridge = "docker0";
  l.docker_default = true;
  l.segment = "docker:bridge";
  l.src = node.network_src;
  ctx.lab.links.push_back(std::move(l));
  const size_t li = ctx.lab.links.size() - 1;
  auto host = std::find_if(ctx.lab.nodes.begin(), ctx.lab.nodes.end(),
                           [](const Node& n) { return n.root_namespace; });
  if (host != ctx.lab.nodes.end()) {
    Interface br;
    br.node = host->name;
    br.name = "docker0";
    br.role = IfRole::docker_bridge;
    br.engine_addressed = true;
    br.link = li;
    br.src = node.network_src;
    ctx.lab.interfaces.push_back(std::move(br));
    ctx.lab.links[li].interfaces.push_back(ctx.lab.interfaces.back().id());
  }
  return li;
}

// The container's eth0 on its network, once every link is known.
void attach_docker(ParseCtx& ctx, Node& node) {
  if (node.docker_network == "none") return;
  Interface f;
  f.node = node.name;
  f.name = kContainerIf;
  f.role = IfRole::container;
  f.src = node.network_src;
  if (node.docker_network == "bridge") {
    f.link = default_bridge_link(ctx, node);
    f.engine_addressed = true;
  } else {
    auto it = std::find_if(ctx.lab.links.begin(), ctx.lab.links.end(), [&](const Link& l) {
      return !l.docker_name.empty() && !l.docker_default && l.name == node.docker_network;
    });
    if (it == ctx.lab.links.end()) {
      std::vector<std::string> names;
      for (const auto& l : ctx.lab.links)
        if (!l.docker_name.empty() && !l.docker_default) names.push_back(l.name);
      ctx.d.add(node.network_src, "network " + quote_text(node.docker_network) +
                                      " is neither \"bridge\", \"none\" nor a docker-network link of this lab" +
                                      (names.empty() ? std::string(" (it declares none)")
                                                     : " (declared: " + join_names(names) + ")"));
      return;
    }
    f.link = static_cast<size_t>(it - ctx.lab.links.begin());
    if (it->subnet) {
      // .1 is the bridge (the gateway); members follow in declaration order.
      const auto host_n = static_cast<uint64_t>(it->members_attached + 2);
      auto a = it->subnet->host(host_n);
      auto last = it->subnet->host(host_n + 1);  // the broadcast address stays free
      if (a && last) {
        Prefix p = *it->subnet;
        p.addr = *a;
        f.addresses.push_back(p);
        f.addresses_declared = true;
      } else {
        ctx.d.add(node.network_src, "docker network " + quote_text(it->name) + ": subnet " + it->subnet->str() +
                                        " has no address left for node " + quote_text(node.name));
        return;
      }
      ++it->members_attached;
    }
  }
  JValue where;
  where.pos = TextPos{node.network_src.line, node.network_src.col};
  if (auto idx = ctx.add_interface(std::move(f), where))
    ctx.lab.links[ctx.lab.interfaces[*idx].link].interfaces.push_back(ctx.lab.interfaces[*idx].id());
}

}  // namespace

const NodeKind& docker_node_kind() {
  static const NodeKind k{.name = "docker",
                          .implemented = true,
                          .own_netns = true,
                          .on_other_hosts = false,  // the controller's Docker engine only, in this version
                          .keys = {"image", "network", "agent"},
                          .parse = parse_docker,
                          .after_links = attach_docker};
  return k;
}

}  // namespace latlab::scenario
