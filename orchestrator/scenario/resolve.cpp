// Resolve: lab defaults, automatic addresses from the pools, static
// neighbours, and each experiment's target address and egress.
#include <algorithm>
#include <cstdio>

#include "scenario/kinds.h"
#include "scenario/load.h"
#include "scenario/obj_reader.h"
#include "scenario/parse.h"

namespace latlab::scenario {

namespace {

// Sysctls every lab namespace gets unless the node says otherwise: ping labs
// must not be rate limited or filtered by reverse-path checks.
const std::vector<std::pair<std::string, std::string>>& netns_default_sysctls() {
  static const std::vector<std::pair<std::string, std::string>> d = {
      {"net.ipv4.icmp_ratelimit", "0"},         {"net.ipv4.icmp_msgs_per_sec", "1000000"},
      {"net.ipv6.icmp.ratelimit", "0"},         {"net.ipv4.conf.all.rp_filter", "0"},
      {"net.ipv4.conf.default.rp_filter", "0"}, {"net.ipv4.ping_group_range", "0 2147483647"},
      {"net.ipv6.conf.all.accept_dad", "0"},    {"net.ipv6.conf.default.accept_dad", "0"},
  };
  return d;
}

void apply_default_sysctls(Lab& lab) {
  for (auto& node : lab.nodes) {
    const NodeKind* nk = find_node_kind(node.kind);
    if (!nk || !nk->own_netns) continue;
    std::vector<Sysctl> merged;
    for (const auto& [name, value] : netns_default_sysctls()) {
      const std::string& key = name;  // a lambda cannot capture a structured binding before C++20's clang 16
      bool overridden = std::any_of(node.sysctls.begin(), node.sysctls.end(),
                                    [&](const Sysctl& s) { return s.name == key; });
      if (!overridden) merged.push_back(Sysctl{name, value, false, node.src});
    }
    merged.insert(merged.end(), node.sysctls.begin(), node.sysctls.end());
    node.sysctls = std::move(merged);
  }
}

// How many addresses a link needs from its subnet, and which interfaces get them.
std::vector<size_t> auto_targets(const Lab& lab, size_t li, bool& wants_auto) {
  std::vector<size_t> out;
  wants_auto = true;
  for (size_t i = 0; i < lab.interfaces.size(); ++i) {
    const Interface& f = lab.interfaces[i];
    if (f.link != li || f.role == IfRole::bridge_port) continue;
    if (f.role == IfRole::phys_moved || f.role == IfRole::macvlan || engine_made(f.role)) wants_auto = false;
    if (f.addresses_declared) wants_auto = false;
    out.push_back(i);
  }
  // The bridge device gets .1: put it first.
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) {
    return lab.interfaces[a].role == IfRole::bridge && lab.interfaces[b].role != IfRole::bridge;
  });
  return out;
}

int bits_for(size_t hosts) {
  int bits = 1;
  while ((size_t{1} << bits) < hosts + 2) ++bits;
  return bits;
}

// The k-th subnet of length len inside pool.
std::optional<Prefix> nth_subnet(const Prefix& pool, int len, uint64_t k) {
  int width = (pool.family() == 4 ? 32 : 128);
  int shift = width - len;  // bit position of the subnet index
  if (len - pool.len < 64 && k >= (uint64_t{1} << (len - pool.len))) return std::nullopt;
  Prefix p = pool.network();
  p.len = len;
  // add k << shift to the address
  size_t nbytes = p.addr.size();
  for (int bit = 0; bit < 64 && (k >> bit) != 0; ++bit) {
    if (((k >> bit) & 1) == 0) continue;
    int pos = shift + bit;  // bit index from the least significant end
    size_t byte = nbytes - 1 - static_cast<size_t>(pos / 8);
    // propagate carry
    unsigned carry = 1u << (pos % 8);
    for (size_t b = byte + 1; b-- > 0 && carry;) {
      unsigned sum = p.addr.bytes[b] + carry;
      p.addr.bytes[b] = static_cast<uint8_t>(sum);
      carry = sum >> 8;
    }
  }
  return p;
}

uint32_t v4_int(const IpAddr& a) {
  return (uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) | (uint32_t{a.bytes[2]} << 8) |
         a.bytes[3];
}

// Next free subnet of length len: IPv4 walks a cursor aligned to each link's
// block size (so a /22 bridge and /24 veths pack without overlap); IPv6 hands
// out /64s in order.
std::optional<Prefix> next_subnet(const Prefix& pool, int len, uint64_t& cursor,
                                  const std::vector<Prefix>& used) {
  while (true) {
    std::optional<Prefix> subnet;
    if (pool.family() == 4) {
      uint64_t block = uint64_t{1} << (32 - len);
      uint64_t base = v4_int(pool.network().addr);
      uint64_t size = uint64_t{1} << (32 - pool.len);
      cursor = (cursor + block - 1) / block * block;
      if (cursor + block > size) return std::nullopt;
      subnet = Prefix{IpAddr::v4(static_cast<uint32_t>(base + cursor)), len};
      cursor += block;
    } else {
      subnet = nth_subnet(pool, len, cursor);
      if (!subnet) return std::nullopt;
      ++cursor;
    }
    bool clash = std::any_of(used.begin(), used.end(), [&](const Prefix& u) { return u.overlaps(*subnet); });
    if (!clash) return subnet;
  }
}

void assign_addresses(Diags& d, Lab& lab) {
  std::vector<Prefix> used;
  for (const auto& f : lab.interfaces)
    for (const auto& a : f.addresses) used.push_back(a.network());
  uint64_t cursor4 = 0, cursor6 = 0;
  for (size_t li = 0; li < lab.links.size(); ++li) {
    bool wants = false;
    auto targets = auto_targets(lab, li, wants);
    if (!wants || targets.empty()) continue;
    for (int fam : {4, 6}) {
      const auto& pool = fam == 4 ? lab.pools.ipv4 : lab.pools.ipv6;
      if (!pool) continue;
      int len = fam == 4 ? std::min(24, 32 - bits_for(targets.size())) : 64;
      auto subnet =
          len < pool->len ? std::nullopt : next_subnet(*pool, len, fam == 4 ? cursor4 : cursor6, used);
      if (!subnet) {
        d.add(lab.links[li].src, "the IPv" + std::to_string(fam) + " pool " + pool->str() + " has no free /" +
                                     std::to_string(len) + " left for the " + std::to_string(targets.size()) +
                                     " addresses of this link");
        return;
      }
      used.push_back(*subnet);
      uint64_t host = 1;
      for (size_t idx : targets) {
        lab.interfaces[idx].addresses.push_back(Prefix{*subnet->host(host++), len});
        lab.interfaces[idx].auto_addressed = true;
      }
    }
  }
}

uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// Locally administered unicast MAC, stable for (lab, interface).
MacAddr generated_mac(const std::string& lab, const std::string& id) {
  uint32_t h1 = fnv1a(lab + "/" + id), h2 = fnv1a(id + "/" + lab);
  MacAddr m;
  m.bytes = {0x02,
             static_cast<uint8_t>(h1 >> 24),
             static_cast<uint8_t>(h1 >> 16),
             static_cast<uint8_t>(h1 >> 8),
             static_cast<uint8_t>(h1),
             static_cast<uint8_t>(h2)};
  return m;
}

void add_static_neighbors(Lab& lab) {
  for (size_t li = 0; li < lab.links.size(); ++li) {
    if (!lab.links[li].static_neighbors) continue;
    std::vector<size_t> members;
    for (size_t i = 0; i < lab.interfaces.size(); ++i) {
      Interface& f = lab.interfaces[i];
      if (f.link != li || f.role == IfRole::bridge_port) continue;
      if (!f.settings.mac) f.settings.mac = generated_mac(lab.name, f.id());
      members.push_back(i);
    }
    for (size_t a : members) {
      for (size_t b : members) {
        if (a == b) continue;
        const Interface& fa = lab.interfaces[a];
        const Interface& fb = lab.interfaces[b];
        if (fa.node == fb.node) continue;
        Node* na = nullptr;
        for (auto& n : lab.nodes)
          if (n.name == fa.node) na = &n;
        if (!na) continue;
        for (const auto& addr : fb.addresses)
          na->neighbors.push_back(Neighbor{addr.addr, *fb.settings.mac, fa.name, lab.links[li].src, {}});
      }
    }
  }
}

const Prefix* first_address(const Interface& f, int family) {
  for (const auto& a : f.addresses)
    if (a.family() == family) return &a;
  return nullptr;
}

// late_only: only the experiments whose target the engine addresses, once
// bind_engine_addresses() has filled those addresses in.
void resolve_target(Diags& d, const Lab& lab, Experiment& e, bool late_only) {
  {
    if (e.from_node.empty() || e.to_text.empty() || e.probe.empty()) return;
    if (late_only && !e.target_late) return;
    e.target_late = false;
    SourceRef to_ref = field_ref(e.src, e.fields, "to");
    const ProbeKind* pk = find_probe_kind(e.probe);
    if (e.responder.kind.empty()) e.responder.kind = pk->default_responder;
    const ResponderKind* rk = find_responder_kind(e.responder.kind);
    const bool own_address = rk && rk->own_address;
    const Interface* from_if =
        e.from_interface.empty() ? nullptr : lab.find_interface(e.from_node, e.from_interface);
    if (!e.from_interface.empty() && !from_if) {
      d.add(field_ref(e.src, e.fields, "from"),
            "interface \"" + e.from_node + ":" + e.from_interface + "\" is not declared");
      return;
    }
    auto fam_name = [&] { return "IPv" + std::to_string(e.family); };
    if (e.to_text == "localhost") {
      e.to_kind = TargetKind::localhost;
      e.target = *IpAddr::parse(e.family == 4 ? "127.0.0.1" : "::1");
      e.to_node = e.from_node;
      e.egress = e.from_node + ":lo";
      e.path_kind = PathKind::localhost;
    } else if (e.to_text == "self") {
      e.to_kind = TargetKind::self;
      const Prefix* a = nullptr;
      if (from_if) {
        a = first_address(*from_if, e.family);
      } else {
        for (const Interface* f : lab.interfaces_of(e.from_node))
          if (!a && f->role != IfRole::bridge_port) a = first_address(*f, e.family);
      }
      if (!a) {
        d.add(to_ref, "target \"self\": node \"" + e.from_node + "\" has no " + fam_name() + " address");
        return;
      }
      e.target = a->addr;
      e.to_node = e.from_node;
      e.egress = e.from_node + ":lo";
      e.path_kind = PathKind::self;
    } else if (auto lit = IpAddr::parse(e.to_text)) {
      e.to_kind = TargetKind::address;
      e.target = *lit;
      for (const auto& f : lab.interfaces)
        for (const auto& a : f.addresses)
          if (a.addr == *lit) {
            e.to_node = f.node;
            e.to_interface = f.name;
          }
      if (e.to_node.empty() && e.responder.address && *e.responder.address == *lit)
        e.to_node = e.responder.node;
      if (e.to_node.empty()) {
        d.add(to_ref,
              "target " + lit->str() + " is not an address of this lab (latlab only sends to its own lab)");
        return;
      }
      e.path_kind = e.to_node == e.from_node ? PathKind::self : PathKind::peer;
      if (e.path_kind == PathKind::self) e.egress = e.from_node + ":lo";
    } else {
      auto colon = e.to_text.find(':');
      std::string node = colon == std::string::npos ? e.to_text : e.to_text.substr(0, colon);
      if (!lab.find_node(node)) {
        std::vector<std::string> names;
        for (const auto& n : lab.nodes) names.push_back(n.name);
        std::sort(names.begin(), names.end());
        std::string list;
        for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
        d.add(to_ref, "target node \"" + node + "\" is not declared (declared: " + list +
                          "; or use \"localhost\", \"self\", an address)");
        return;
      }
      e.to_node = node;
      const Prefix* a = nullptr;
      if (colon != std::string::npos) {
        e.to_kind = TargetKind::interface;
        e.to_interface = e.to_text.substr(colon + 1);
        const Interface* f = lab.find_interface(node, e.to_interface);
        if (!f) {
          d.add(to_ref, "target interface \"" + e.to_text + "\" is not declared");
          return;
        }
        a = first_address(*f, e.family);
        if (!a && f->engine_addressed && e.family == 4 && !late_only) {
          e.target_late = true;  // docker0: the engine's address, known at `up`
          e.path_kind = PathKind::peer;
          if (e.responder.node.empty()) e.responder.node = e.to_node;
          return;
        }
        if (!a && !own_address) {
          d.add(to_ref, "target interface \"" + e.to_text + "\" has no " + fam_name() + " address");
          return;
        }
      } else {
        e.to_kind = TargetKind::node;
        // Prefer an address on a subnet the source is connected to.
        for (const Interface* f : lab.interfaces_of(node)) {
          if (f->role == IfRole::bridge_port) continue;
          const Prefix* cand = first_address(*f, e.family);
          if (!cand) continue;
          if (!a) a = cand;
          for (const Interface* g : lab.interfaces_of(e.from_node))
            for (const auto& ga : g->addresses)
              if (ga.family() == e.family && ga.network().contains(cand->addr)) {
                a = cand;
                goto chosen;
              }
        }
      chosen:
        if (!a && e.family == 4 && !late_only) {
          const auto ifs = lab.interfaces_of(node);
          auto late = std::find_if(ifs.begin(), ifs.end(), [](const Interface* f) { return f->engine_addressed; });
          if (late != ifs.end()) {
            e.to_interface = (*late)->name;
            e.target_late = true;
            e.path_kind = PathKind::peer;
            if (e.responder.node.empty()) e.responder.node = e.to_node;
            return;
          }
        }
        if (!a) {
          d.add(to_ref, "target node \"" + node + "\" has no " + fam_name() + " address");
          return;
        }
        for (const Interface* f : lab.interfaces_of(node))
          for (const auto& fa : f->addresses)
            if (&fa == a) e.to_interface = f->name;
      }
      if (a) e.target = a->addr;
      e.path_kind = node == e.from_node ? PathKind::self : PathKind::peer;
      if (e.path_kind == PathKind::self) e.egress = e.from_node + ":lo";
    }
    // A responder with an address of its own (raw): the target becomes that address on the device.
    if (own_address) {
      if (e.responder.node.empty()) {
        e.responder.node = e.to_node;
        e.responder.interface = e.to_interface;
      }
      if (!e.responder.address) {
        d.add(field_ref(e.src, e.fields, "responder"),
              "a raw responder needs \"address\": the IPv4 address it answers for (not one the kernel has)");
        return;
      }
      e.target = *e.responder.address;
      e.to_kind = TargetKind::address;
    } else if (e.responder.node.empty()) {
      e.responder.node = e.to_node;
    }
    // Egress for peer paths: the source interface on the target's subnet.
    if (e.path_kind == PathKind::peer && e.egress.empty()) {
      if (from_if) {
        e.egress = from_if->id();
      } else {
        for (const Interface* f : lab.interfaces_of(e.from_node)) {
          if (!e.egress.empty() || f->role == IfRole::bridge_port) continue;
          for (const auto& fa : f->addresses)
            if (fa.network().contains(e.target)) e.egress = f->id();
        }
        if (e.egress.empty()) {
          const Node* n = lab.find_node(e.from_node);
          for (const auto& rt : n->routes) {
            if (rt.family != e.family || !e.egress.empty()) continue;
            if (rt.to && !rt.to->contains(e.target)) continue;
            if (!rt.dev.empty()) {
              e.egress = e.from_node + ":" + rt.dev;
            } else if (rt.via) {
              for (const Interface* f : lab.interfaces_of(e.from_node))
                for (const auto& fa : f->addresses)
                  if (fa.network().contains(*rt.via)) e.egress = f->id();
            }
          }
        }
      }
    }
  }
}

ProbePair pair_of(const Experiment& e) {
  ProbePair p;
  p.from_node = e.from_node;
  p.from_interface = e.from_interface;
  p.to_text = e.to_text;
  p.to_node = e.to_node;
  p.target = e.target;
  p.egress = e.egress;
  p.path_kind = e.path_kind;
  const ResponderKind* rk = find_responder_kind(e.responder.kind);
  if (rk && rk->user_space()) p.responder_node = e.responder.node.empty() ? e.to_node : e.responder.node;
  p.src = e.src;
  p.fields = e.fields;
  return p;
}

// The probes of one experiment: pair 0 is its own; "pairs": N repeats it; a
// list resolves each from and to as the experiment's own is.
void resolve_pairs(Diags& d, const Lab& lab, Experiment& e) {
  e.pairs.assign(1, pair_of(e));
  if (e.pair_texts.empty()) {
    for (uint32_t i = 1; i < e.pair_count; ++i) e.pairs.push_back(e.pairs[0]);
    return;
  }
  const bool responder_placed = e.responder.fields.count("at") > 0;
  for (size_t i = 1; i < e.pair_texts.size(); ++i) {
    const ProbePair& t = e.pair_texts[i];
    if (t.from_node.empty() || t.to_text.empty()) continue;  // said at parse
    Experiment c = e;
    c.pairs.clear();
    c.pair_texts.clear();
    c.load.clear();
    c.from_node = t.from_node;
    c.from_interface = t.from_interface;
    c.to_text = t.to_text;
    c.to_node.clear();
    c.to_interface.clear();
    c.egress.clear();
    c.target_late = false;
    if (!responder_placed) {
      c.responder.node.clear();
      c.responder.interface.clear();
    }
    c.src = t.src;
    c.fields = t.fields;
    size_t before = d.count();
    resolve_target(d, lab, c, false);
    if (d.count() != before) continue;
    if (c.target_late) {
      d.add(field_ref(t.src, t.fields, "to"),
            "a pair cannot target an address the engine picks at `up` (docker0): name another interface");
      continue;
    }
    e.pairs.push_back(pair_of(c));
  }
}

// A load's target: the address of "node" or "node:ifname", preferring one on
// a subnet its source shares, and the source's interface toward it.
void resolve_loads(Diags& d, const Lab& lab, Experiment& e) {
  for (auto& l : e.load) {
    if (l.from_node.empty() || l.to_text.empty()) continue;
    SourceRef to_ref = field_ref(l.src, l.fields, "to");
    auto colon = l.to_text.find(':');
    std::string node = colon == std::string::npos ? l.to_text : l.to_text.substr(0, colon);
    if (!lab.find_node(node)) {
      d.add(to_ref, "load target " + quote_text(l.to_text) +
                        " is not a node of this lab (a load goes only to the lab's own nodes: \"b\" or \"b:eth0\")");
      continue;
    }
    if (node == l.from_node) {
      d.add(to_ref, "a load from node " + quote_text(node) + " to itself crosses no link; send it to another node");
      continue;
    }
    std::vector<const Interface*> candidates;
    if (colon != std::string::npos) {
      const Interface* f = lab.find_interface(node, l.to_text.substr(colon + 1));
      if (!f) {
        d.add(to_ref, "load target interface " + quote_text(l.to_text) + " is not declared");
        continue;
      }
      candidates.push_back(f);
    } else {
      for (const Interface* f : lab.interfaces_of(node))
        if (f->role != IfRole::bridge_port) candidates.push_back(f);
    }
    const Prefix* chosen = nullptr;
    const Interface* chosen_if = nullptr;
    for (int family : {4, 6}) {
      for (const Interface* f : candidates) {
        const Prefix* a = first_address(*f, family);
        if (!a) continue;
        if (!chosen) chosen = a, chosen_if = f;
        for (const Interface* g : lab.interfaces_of(l.from_node))
          for (const auto& ga : g->addresses)
            if (g->role != IfRole::bridge_port && ga.family() == family && ga.network().contains(a->addr) &&
                l.egress.empty()) {
              chosen = a;
              chosen_if = f;
              l.egress = g->id();
            }
      }
      if (chosen) break;
    }
    if (!chosen) {
      d.add(to_ref, "load target " + quote_text(l.to_text) + " has no address (the engine's docker0 address "
                                                              "is not known before `up`; name another interface)");
      continue;
    }
    l.to_node = node;
    l.to_interface = chosen_if->name;
    l.target = chosen->addr;
  }
}

void resolve_targets(Diags& d, Lab& lab, bool late_only = false) {
  for (auto& e : lab.experiments) {
    const bool was_late = e.target_late;
    resolve_target(d, lab, e, late_only);
    if (late_only && !was_late) continue;
    resolve_pairs(d, lab, e);
    if (!late_only) resolve_loads(d, lab, e);
  }
}

}  // namespace

void resolve_scenario(Diags& d, Lab& lab) {
  apply_default_sysctls(lab);
  assign_addresses(d, lab);
  for (size_t li = 0; li < lab.links.size(); ++li)
    if (const LinkKind* lk = find_link_kind(lab.links[li].kind); lk && lk->resolve) lk->resolve(d, lab, li);
  add_static_neighbors(lab);
  resolve_targets(d, lab);
}

Status bind_engine_addresses(Lab& lab, const std::map<std::string, Prefix>& by_interface) {
  for (auto& f : lab.interfaces) {
    if (!f.engine_addressed) continue;
    auto it = by_interface.find(f.id());
    if (it != by_interface.end()) f.addresses = {it->second};
  }
  Diags d("");
  resolve_targets(d, lab, true);
  auto errs = d.take();
  if (!errs.empty()) return Error(errs.front().pointer + ": " + errs.front().message);
  return Ok{};
}

}  // namespace latlab::scenario
