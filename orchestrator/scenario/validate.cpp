// Validate: checks that need the whole resolved lab (duplicates, prefixes,
// sysctl scope, reachability, sizes). Never touches the kernel.
#include <algorithm>
#include <set>

#include "scenario/kinds.h"
#include "scenario/obj_reader.h"
#include "scenario/parse.h"
#include "scenario/units.h"

namespace latlab::scenario {

namespace {

std::string quote(const std::string& s) { return "\"" + s + "\""; }

SourceRef addr_ref(const Interface& f, size_t k) {
  auto it = f.fields.find("addresses/" + std::to_string(k));
  if (it != f.fields.end() && !f.auto_addressed) return it->second;
  return f.src;
}

void check_duplicate_addresses(Diags& d, const Lab& lab) {
  for (size_t i = 0; i < lab.interfaces.size(); ++i) {
    const auto& f = lab.interfaces[i];
    for (size_t k = 0; k < f.addresses.size(); ++k) {
      bool reported = false;
      for (size_t j = 0; j < i && !reported; ++j) {
        for (const auto& a : lab.interfaces[j].addresses) {
          if (a.addr == f.addresses[k].addr) {
            d.add(addr_ref(f, k),
                  "address " + a.addr.str() + " is already assigned to " + quote(lab.interfaces[j].id()));
            reported = true;
            break;
          }
        }
      }
      for (size_t k2 = 0; k2 < k && !reported; ++k2) {
        if (f.addresses[k2].addr == f.addresses[k].addr) {
          d.add(addr_ref(f, k), "address " + f.addresses[k].addr.str() + " is listed twice");
          reported = true;
        }
      }
    }
  }
}

// All addresses of one family on a segment must share a prefix with the first one.
void check_link_prefixes(Diags& d, const Lab& lab) {
  for (size_t li = 0; li < lab.links.size(); ++li) {
    const LinkKind* lk = find_link_kind(lab.links[li].kind);
    if (lk && !lk->one_subnet) continue;
    for (int fam : {4, 6}) {
      const Prefix* first = nullptr;
      const Interface* first_if = nullptr;
      for (const auto& f : lab.interfaces) {
        if (f.link != li) continue;
        for (size_t k = 0; k < f.addresses.size(); ++k) {
          const Prefix& a = f.addresses[k];
          if (a.family() != fam) continue;
          if (!first) {
            first = &a;
            first_if = &f;
            continue;
          }
          if (!first->network().contains(a.addr) && !a.network().contains(first->addr)) {
            d.add(addr_ref(f, k), "address " + a.str() + " of " + quote(f.id()) +
                                      " is outside the link's prefix " + first->network().str() + " (from " +
                                      quote(first_if->id()) + ")");
          }
        }
      }
    }
  }
}

void check_sysctl_scope(Diags& d, const Node& node, const std::vector<Sysctl>& list) {
  for (const auto& s : list) {
    if (node.allow_global_sysctls) continue;
    if (node.root_namespace) {
      d.add(s.src, "sysctl " + quote(s.name) + " on node " + quote(node.name) +
                       " changes this machine's root namespace; set \"allow_global_sysctls\": true on "
                       "node " +
                       quote(node.name) + " to allow it (restored at teardown)");
    } else if (s.global) {
      d.add(s.src, "sysctl " + quote(s.name) +
                       " is not per network namespace: it changes the whole machine; set "
                       "\"allow_global_sysctls\": true on node " +
                       quote(node.name) + " to allow it (restored at teardown)");
    }
  }
}

bool node_has_if(const Lab& lab, const std::string& node, const std::string& name) {
  return name == "lo" || lab.find_interface(node, name) != nullptr;
}

std::string if_list(const Lab& lab, const std::string& node) {
  std::vector<std::string> names;
  for (const Interface* f : lab.interfaces_of(node)) names.push_back(f->name);
  std::sort(names.begin(), names.end());
  std::string out = "lo";
  for (const auto& n : names) out += ", " + n;
  return out;
}

// The interface of node on a subnet containing addr.
const Interface* connected_if(const Lab& lab, const std::string& node, const IpAddr& addr) {
  for (const Interface* f : lab.interfaces_of(node)) {
    if (f->role == IfRole::bridge_port) continue;
    for (const auto& a : f->addresses)
      if (a.network().contains(addr)) return f;
  }
  return nullptr;
}

void check_routes(Diags& d, const Lab& lab) {
  for (const auto& n : lab.nodes) {
    for (const auto& rt : n.routes) {
      if (!rt.dev.empty() && !node_has_if(lab, n.name, rt.dev)) {
        d.add(field_ref(rt.src, rt.fields, "dev"), "interface " + quote(rt.dev) + " is not in node " +
                                                       quote(n.name) + " (it has " + if_list(lab, n.name) +
                                                       ")");
        continue;
      }
      if (rt.via && !n.root_namespace && !connected_if(lab, n.name, *rt.via)) {
        d.add(field_ref(rt.src, rt.fields, "via"),
              "gateway " + rt.via->str() + " is not on a subnet of node " + quote(n.name));
      }
    }
    for (const auto& nb : n.neighbors) {
      if (!node_has_if(lab, n.name, nb.dev)) {
        d.add(field_ref(nb.src, nb.fields, "dev"), "interface " + quote(nb.dev) + " is not in node " +
                                                       quote(n.name) + " (it has " + if_list(lab, n.name) +
                                                       ")");
      }
    }
  }
}

// Devices are a machine's: each host has its own enp2s0.
void check_phys(Diags& d, const Lab& lab) {
  std::map<std::string, const Interface*> moved;  // host + '\0' + device
  auto key = [&](const Interface& f) { return lab.host_of(f.node) + '\0' + f.parent; };
  for (const auto& f : lab.interfaces) {
    if (f.role != IfRole::phys_moved && f.role != IfRole::macvlan) continue;
    for (const auto& g : lab.interfaces) {
      const Node* gn = lab.find_node(g.node);
      if (gn && gn->root_namespace && g.name == f.parent && g.role != IfRole::phys_moved &&
          gn->host == lab.host_of(f.node)) {
        d.add(f.src, "device " + quote(f.parent) + " is also created by this lab (" + g.src.pointer +
                         "); a phys link takes an existing device");
      }
    }
    if (f.role == IfRole::phys_moved) {
      auto [it, fresh] = moved.emplace(key(f), &f);
      if (!fresh)
        d.add(f.src, "device " + quote(f.parent) + " is already moved by " + it->second->src.pointer);
    }
  }
  for (const auto& f : lab.interfaces) {
    if (f.role != IfRole::macvlan) continue;
    if (moved.count(key(f))) {
      d.add(field_ref(f.src, f.fields, "device"), "device " + quote(f.parent) + " is moved into a node by " +
                                                      moved[key(f)]->src.pointer +
                                                      "; it cannot also be a macvlan parent");
    }
  }
}

uint32_t mtu_of(const Lab& lab, const std::string& id) {
  auto colon = id.find(':');
  std::string node = id.substr(0, colon), name = id.substr(colon + 1);
  if (name == "lo") return 65536;
  const Interface* f = lab.find_interface(node, name);
  if (f && f->settings.mtu) return *f->settings.mtu;
  return 1500;
}

bool forwards(const Node& n, int family) {
  if (n.root_namespace) return true;  // the root namespace's forwarding is the machine's own
  std::string key = family == 4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding";
  for (const auto& s : n.sysctls)
    if (s.name == key && s.value == "1") return true;
  return false;
}

// Is target reachable from node? Direct subnet on the same segment, or a route
// whose gateway is on a connected segment and forwards (up to 4 hops).
bool reachable(const Lab& lab, const std::string& node, const IpAddr& target, const Interface* target_if,
               int family, int depth, std::string& why) {
  if (depth > 4) {
    why = "more than 4 routed hops";
    return false;
  }
  if (const Interface* f = connected_if(lab, node, target)) {
    if (!target_if || lab.links[f->link].segment == lab.links[target_if->link].segment) return true;
    // Two existing devices (phys) with one subnet: what joins them (a cable,
    // a switch, between hosts too) is outside the lab, as it is for ping.
    auto outside = [](const Interface* i) { return i->role == IfRole::phys_moved || i->role == IfRole::macvlan; };
    if (outside(f) && outside(target_if)) return true;
    why = "\"" + f->id() + "\" has the target's subnet but is not on the same link as \"" + target_if->id() +
          "\"";
    return false;
  }
  const Node* n = lab.find_node(node);
  const Route* best = nullptr;
  for (const auto& rt : n->routes) {
    if (rt.family != family) continue;
    if (rt.to && !rt.to->contains(target)) continue;
    if (!best || (rt.to ? rt.to->len : -1) > (best->to ? best->to->len : -1)) best = &rt;
  }
  if (!best) {
    why = "no interface of \"" + node + "\" is on its subnet and no route covers it";
    return false;
  }
  if (!best->via) return true;  // device route: trust the user's dev
  const Interface* gw_if = nullptr;
  for (const auto& f : lab.interfaces)
    for (const auto& a : f.addresses)
      if (a.addr == *best->via) gw_if = &f;
  if (!gw_if) {
    why = "its gateway " + best->via->str() + " is not an address of this lab";
    return false;
  }
  if (target_if && gw_if->node == target_if->node) return true;
  const Node* gw = lab.find_node(gw_if->node);
  if (!forwards(*gw, family)) {
    why = "gateway node \"" + gw->name + "\" does not forward (set sysctl " +
          (family == 4 ? std::string("net.ipv4.ip_forward") : std::string("net.ipv6.conf.all.forwarding")) +
          " to 1 on it)";
    return false;
  }
  return reachable(lab, gw_if->node, target, target_if, family, depth + 1, why);
}

// A tunnel's far underlay address must be reachable from its near end's node
// (when the far underlay is a lab interface; a "local" address outside the
// lab is the user's to route).
void check_vxlan(Diags& d, const Lab& lab) {
  for (const auto& f : lab.interfaces) {
    if (f.role != IfRole::vxlan || !f.vxlan_remote || f.peer.empty()) continue;
    const auto colon = f.peer.find(':');
    const Interface* peer = lab.find_interface(f.peer.substr(0, colon), f.peer.substr(colon + 1));
    const Interface* far = peer ? lab.find_interface(peer->node, peer->underlay) : nullptr;
    if (!far) continue;
    std::string why;
    if (!reachable(lab, f.node, *f.vxlan_remote, far, f.vxlan_remote->family, 0, why))
      d.add(field_ref(f.src, f.fields, "underlay"), "the tunnel's far end " + f.vxlan_remote->str() + " (" +
                                                        far->id() + ") is not reachable from node " +
                                                        quote(f.node) + ": " + why);
  }
}

// A link joins nodes of one host, unless its kind is a tunnel between hosts.
void check_hosts(Diags& d, const Lab& lab) {
  for (const auto& link : lab.links) {
    const LinkKind* lk = find_link_kind(link.kind);
    if (!lk || lk->spans_hosts) continue;
    const Interface* first = nullptr;
    for (const auto& f : lab.interfaces) {
      if (&lab.links[f.link] != &link) continue;
      if (!first) {
        first = &f;
      } else if (lab.host_of(f.node) != lab.host_of(first->node)) {
        d.add(f.src, "a " + link.kind + " link cannot join nodes on different hosts (" + quote(first->node) +
                         " on " + quote(lab.host_of(first->node)) + ", " + quote(f.node) + " on " +
                         quote(lab.host_of(f.node)) + "); join hosts with a vxlan link");
        break;
      }
    }
  }
  // What this version runs on another host: nodes of kind host and netns,
  // and the agents of an experiment; captures, loads and an experiment's
  // sysctls stay on this machine.
  for (const auto& n : lab.nodes) {
    const NodeKind* nk = find_node_kind(n.kind);
    if (n.host != kLocalHost && nk != nullptr && !nk->on_other_hosts)
      d.add(n.src, "a " + n.kind + " node lives on host \"local\" in this version (node " +
                                                    quote(n.name) + " is on " + quote(n.host) + ")");
  }
  for (const auto& e : lab.experiments) {
    std::string remote;
    for (const std::string* node : {&e.from_node, &e.to_node, &e.responder.node})
      if (!node->empty() && lab.find_node(*node) && lab.host_of(*node) != kLocalHost) remote = *node;
    if (remote.empty()) continue;
    const std::string where = " (node " + quote(remote) + " is on " + quote(lab.host_of(remote)) + ")";
    if (!e.captures.empty())
      d.add(field_ref(e.src, e.fields, "captures"),
            "captures run only in an experiment between nodes of this machine in this version" + where);
    if (!e.load.empty())
      d.add(field_ref(e.src, e.fields, "load"),
            "background load runs only between nodes of this machine in this version" + where);
    if (!e.sysctls.empty())
      d.add(field_ref(e.src, e.fields, "sysctls"),
            "an experiment's sysctls apply only to nodes of this machine in this version" + where);
    if (e.pairs.size() > 1)
      d.add(field_ref(e.src, e.fields, "pairs"),
            "concurrent probes run only between nodes of this machine in this version" + where);
  }
}

// What the lab creates keeps to the benchmarking ranges; an existing device
// (phys) is on a network of its own, and the engine picks docker0's.
void check_address_ranges(Diags& d, const Lab& lab) {
  if (lab.allow_any_addresses) return;
  for (const auto& f : lab.interfaces) {
    if (f.role == IfRole::phys_moved || f.role == IfRole::macvlan || f.engine_addressed || !f.addresses_declared)
      continue;
    for (const auto& a : f.addresses) {
      if (in_benchmarking_ranges(a.addr) || a.addr.is_loopback()) continue;
      d.add(field_ref(f.src, f.fields, "addresses"), outside_benchmarking(a.str()));
      break;
    }
  }
}

void check_experiments(Diags& d, const Lab& lab) {
  for (const auto& e : lab.experiments) {
    if (e.from_node.empty() || e.probe.empty() || !e.target.is_set()) continue;
    const ProbeKind* pk = find_probe_kind(e.probe);
    SourceRef to_ref = field_ref(e.src, e.fields, "to");
    if (pk->validate && !pk->validate(d, lab, e)) continue;
    const ResponderKind* rk = find_responder_kind(e.responder.kind);
    if (rk && rk->validate && !rk->validate(d, lab, e)) continue;
    const Interface* target_if = nullptr;
    if (!e.to_interface.empty()) target_if = lab.find_interface(e.to_node, e.to_interface);
    if (rk && rk->own_address) target_if = lab.find_interface(e.responder.node, e.responder.interface);
    if (e.path_kind == PathKind::peer) {
      std::string why;
      if (!reachable(lab, e.from_node, e.target, target_if, e.family, 0, why)) {
        d.add(to_ref, "target " + e.target.str() + " (" + e.to_text + ") is not reachable from node " +
                          quote(e.from_node) + ": " + why);
        continue;
      }
    }
    if (!e.egress.empty()) {
      uint32_t mtu = mtu_of(lab, e.egress);
      uint32_t hdr = e.family == 4 ? pk->header_bytes_v4 : pk->header_bytes_v6;
      if (e.payload + hdr > mtu) {
        d.add(field_ref(e.src, e.fields, "payload"),
              "payload " + std::to_string(e.payload) + " does not fit the MTU " + std::to_string(mtu) +
                  " of " + quote(e.egress) + " (at most " + std::to_string(mtu - hdr) + " bytes for " +
                  e.probe + " over IPv" + std::to_string(e.family) + ")");
      }
    }
    for (const auto& c : e.captures) {
      for (size_t k = 0; k < c.interfaces.size(); ++k) {
        const auto& id = c.interfaces[k];
        auto colon = id.find(':');
        if (!node_has_if(lab, id.substr(0, colon), id.substr(colon + 1))) {
          d.add(field_ref(c.src, c.fields, "interfaces/" + std::to_string(k)),
                "capture interface " + quote(id) + " is not declared (node " + quote(id.substr(0, colon)) +
                    " has " + if_list(lab, id.substr(0, colon)) + ")");
        }
      }
    }
    for (const auto& [node, list] : e.sysctls) check_sysctl_scope(d, *lab.find_node(node), list);
  }
}

// "pairs" and "load": what each needs of the experiment and of the lab.
void check_pairs_and_loads(Diags& d, const Lab& lab) {
  for (const auto& e : lab.experiments) {
    const ProbeKind* pk = find_probe_kind(e.probe);
    if (!pk) continue;
    SourceRef pairs_ref = field_ref(e.src, e.fields, "pairs");
    if (e.pair_count > 1) {
      if (pk->needs_device)
        d.add(pairs_ref, "probe " + quote(e.probe) + " sends on a device of its own and runs one at a time; "
                         "\"pairs\" needs a probe that shares its node's stack");
      for (const auto& c : e.captures) {
        const CaptureKind* ck = find_capture_kind(c.kind);
        if (ck && !ck->many_probes)
          d.add(c.src, "capture " + quote(c.kind) + " follows one probe; with \"pairs\" above 1 only counters "
                       "apply (run the capture in an experiment of its own)");
      }
    }
    for (size_t i = 1; i < e.pairs.size() && !e.pair_texts.empty(); ++i) {
      const ProbePair& p = e.pairs[i];
      std::string why;
      if (p.path_kind == PathKind::peer && p.target.is_set() &&
          !reachable(lab, p.from_node, p.target, nullptr, e.family, 0, why))
        d.add(field_ref(p.src, p.fields, "to"), "target " + p.target.str() + " (" + p.to_text +
                                                    ") is not reachable from node " + quote(p.from_node) + ": " + why);
    }
    if (!e.load.empty() && e.interval_ns == 0 && !e.duration_ns)
      d.add(field_ref(e.src, e.fields, "load"),
            "a load runs for the probe's schedule: give the probe an \"interval\" above 0 or a \"duration\"");
    for (const auto& l : e.load) {
      std::string why;
      if (!l.target.is_set()) continue;
      if (!reachable(lab, l.from_node, l.target, nullptr, l.target.family, 0, why))
        d.add(field_ref(l.src, l.fields, "to"), "load target " + l.target.str() + " (" + l.to_text +
                                                    ") is not reachable from node " + quote(l.from_node) + ": " + why);
    }
    if (!e.idle.empty()) {
      SourceRef idle_ref = field_ref(e.src, e.fields, "idle");
      const Experiment* ref = nullptr;
      for (const auto& o : lab.experiments)
        if (o.name == e.idle) ref = &o;
      if (!ref)
        d.add(idle_ref, "idle reference " + quote(e.idle) + " is not an experiment of this scenario");
      else if (ref == &e || !ref->load.empty())
        d.add(idle_ref, "idle reference " + quote(e.idle) + " runs a load; name an experiment without one");
      else if (e.load.empty())
        d.add(idle_ref, "\"idle\" names the idle reference of an experiment under load; this one has no \"load\"");
    }
  }
}

// What to use instead of the kernel responder when an experiment wants the
// responder to wait or delay.
std::string user_space_hint(const ProbeKind& pk) {
  auto user_space = [](const std::string& kind) { return find_responder_kind(kind)->user_space(); };
  for (const auto& k : pk.responders)
    if (user_space(k)) return "use a user-space responder: \"responder\": {\"kind\": \"" + k + "\"}";
  std::string others;
  for (const auto& p : probe_kinds()) {
    for (const auto& k : p.responders) {
      if (!user_space(k)) continue;
      others += (others.empty() ? "" : " or ") +
                ("probe " + p.name + " with \"responder\": {\"kind\": \"" + k + "\"}");
    }
  }
  return "probe " + pk.name + " is answered by the kernel only; use " + others;
}

// A responder's "wait" and "delay" against what its kind can do.
void check_responder_waits(Diags& d, const Lab& lab) {
  for (const auto& e : lab.experiments) {
    const ResponderSpec& rs = e.responder;
    const ResponderKind* rk = find_responder_kind(rs.kind);
    const ProbeKind* pk = find_probe_kind(e.probe);
    if (!rk || !pk) continue;
    const std::string cause =
        "the target's kernel answers, not a latlab agent (" + user_space_hint(*pk) + ")";
    if (std::find(rk->waits.begin(), rk->waits.end(), rs.wait) == rk->waits.end()) {
      d.add(field_ref(rs.src, rs.fields, "wait"),
            rk->user_space()
                ? "responder " + quote(rk->name) + " cannot wait " + quote(rs.wait) + " (it supports " +
                      join_names(rk->waits) + ")"
                : "responder " + quote(rk->name) + " cannot wait " + quote(rs.wait) + ": " + cause);
    }
    if (rs.delay_ns == 0) continue;
    if (!rk->user_space()) {
      d.add(field_ref(rs.src, rs.fields, "delay"),
            "responder " + quote(rk->name) + " cannot delay its replies: " + cause);
    } else if (rs.delay_ns >= e.timeout_ns) {
      d.add(field_ref(rs.src, rs.fields, "delay"),
            "responder delay " + format_duration(rs.delay_ns) + " is not shorter than the timeout " +
                format_duration(e.timeout_ns) + ": every reply would come too late");
    }
  }
}

// Kinds the scenario knows but latlab cannot build yet.
void check_node_kinds(Diags& d, const Lab& lab) {
  for (const auto& n : lab.nodes) {
    const NodeKind* nk = find_node_kind(n.kind);
    if (!nk || nk->implemented) continue;
    d.add(n.src, "node " + quote(n.name) + ": node kind " + quote(n.kind) +
                     " is not implemented yet; supported node kinds are " + implemented_node_kinds());
  }
}

}  // namespace

void validate_scenario(Diags& d, const Lab& lab) {
  check_node_kinds(d, lab);
  check_duplicate_addresses(d, lab);
  check_link_prefixes(d, lab);
  for (const auto& n : lab.nodes) check_sysctl_scope(d, n, n.sysctls);
  check_routes(d, lab);
  check_phys(d, lab);
  check_hosts(d, lab);
  check_address_ranges(d, lab);
  check_vxlan(d, lab);
  check_experiments(d, lab);
  check_pairs_and_loads(d, lab);
  check_responder_waits(d, lab);
}

}  // namespace latlab::scenario
