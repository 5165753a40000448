#include "scenario/parse.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "scenario/kinds.h"
#include "scenario/parse_ctx.h"
#include "scenario/sysctl_scope.h"
#include "scenario/units.h"

namespace latlab::scenario {

namespace {

bool name_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

std::string quote(const std::string& s) { return quote_text(s); }

}  // namespace

// ---------------------------------------------------------------- names

bool ParseCtx::check_ifname(const std::string& name, const JValue& v, const std::string& ptr) {
  if (name.empty()) {
    d.add(v.pos, ptr, "interface name is empty");
    return false;
  }
  if (name.size() > 15) {
    d.add(v.pos, ptr,
          "interface name " + quote(name) + " is " + std::to_string(name.size()) +
              " bytes; the kernel allows at most 15");
    return false;
  }
  if (name == "." || name == "..") {
    d.add(v.pos, ptr, "interface name " + quote(name) + " is reserved");
    return false;
  }
  if (name[0] == '-') {  // ip, tcpdump -i and ethtool would read it as an option
    d.add(v.pos, ptr, "interface name " + quote(name) + " starts with '-'; tools would read it as an option");
    return false;
  }
  // The portable set: what iproute2, Docker, tcpdump -i and a shell line all
  // take as it is (the kernel would also take '$', quotes, '@', UTF-8...).
  for (unsigned char c : name) {
    if (std::isalnum(c) != 0 && c < 0x80) continue;
    if (c == '_' || c == '.' || c == '-') continue;
    std::string what = c == ' '                ? "a space"
                       : c < 0x20 || c == 0x7f ? "a control character"
                       : c >= 0x80             ? "a non-ASCII character"
                       : c == '\''            ? "a single quote"
                       : c == '"'              ? "a double quote"
                       : c == '`'              ? "a backquote"
                                               : std::string("'") + static_cast<char>(c) + "'";
    d.add(v.pos, ptr,
          "interface name " + quote(name) + " contains " + what +
              "; interface names are letters, digits, '_', '.' and '-' (what iproute2, Docker and a shell all "
              "take as they are)");
    return false;
  }
  if (name == "lo") {
    d.add(v.pos, ptr, "interface name \"lo\" is reserved for the loopback device");
    return false;
  }
  return true;
}

bool ParseCtx::check_object_name(const std::string& name, const char* what, size_t max_len, const JValue& v,
                                 const std::string& ptr) {
  return check_object_name(name, what, max_len, v.pos, ptr);
}

bool ParseCtx::check_object_name(const std::string& name, const char* what, size_t max_len, TextPos pos,
                                 const std::string& ptr) {
  bool ok = !name.empty() && name.size() <= max_len && std::all_of(name.begin(), name.end(), name_char_ok) &&
            name[0] != '.' && name[0] != '-';
  if (!ok) {
    d.add(pos, ptr,
          std::string(what) + " name " + quote(name) +
              " is not valid: use letters, digits, '_', '.' and '-', start with a letter, "
              "digit or '_', at most " +
              std::to_string(max_len) + " characters");
  }
  return ok;
}

const Node* ParseCtx::node_ref(const std::string& name, const JValue& v, const std::string& ptr) {
  if (const Node* n = lab.find_node(name)) return n;
  std::vector<std::string> names;
  for (const auto& n : lab.nodes) names.push_back(n.name);
  std::sort(names.begin(), names.end());
  d.add(v.pos, ptr, "node " + quote(name) + " is not declared (declared: " + join_names(names) + ")");
  return nullptr;
}

std::optional<std::pair<std::string, std::string>> ParseCtx::endpoint_ref(const std::string& text,
                                                                          const JValue& v,
                                                                          const std::string& ptr) {
  auto colon = text.find(':');
  if (colon == std::string::npos) {
    d.add(v.pos, ptr, "endpoint " + quote(text) + " must be \"node:ifname\" (e.g. \"a:eth0\")");
    return std::nullopt;
  }
  std::string node = text.substr(0, colon), ifname = text.substr(colon + 1);
  if (!node_ref(node, v, ptr)) return std::nullopt;
  if (!check_ifname(ifname, v, ptr)) return std::nullopt;
  return std::make_pair(node, ifname);
}

std::optional<size_t> ParseCtx::add_interface(Interface iface, const JValue& v) {
  for (const auto& other : lab.interfaces) {
    if (other.node == iface.node && other.name == iface.name) {
      d.add(v.pos, iface.src.pointer,
            "interface " + quote(iface.id()) + " is already used by " + other.src.pointer);
      return std::nullopt;
    }
  }
  lab.interfaces.push_back(std::move(iface));
  return lab.interfaces.size() - 1;
}

// ---------------------------------------------------------------- settings

std::optional<MacAddr> ParseCtx::read_mac(ObjReader& r, const std::string& key) {
  auto s = r.str(key);
  if (!s) return std::nullopt;
  auto mac = MacAddr::parse(*s);
  const JValue* v = r.get(key);
  if (!mac) {
    d.add(v->pos, r.ptr(key), quote(*s) + " is not a MAC address (e.g. \"02:00:00:00:00:01\")");
    return std::nullopt;
  }
  if (mac->is_multicast() || mac->is_zero()) {
    d.add(v->pos, r.ptr(key),
          "MAC address " + quote(*s) + " is a multicast or zero address; an interface needs a unicast one");
    return std::nullopt;
  }
  return mac;
}

static std::optional<QdiscSpec> read_qdisc(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  std::vector<std::string> keys = {"kind"};
  for (const auto& k : qdisc_kinds()) keys.insert(keys.end(), k.keys.begin(), k.keys.end());
  ObjReader r(ctx.d, v, ptr, keys, "qdisc");
  if (!r.valid()) return std::nullopt;
  auto kind = r.one_of("kind", kind_names(qdisc_kinds()), "qdisc kind", true);
  if (!kind) return std::nullopt;
  QdiscSpec q;
  q.kind = *kind;
  q.src = r.src();
  bool bad = reject_keys_of_other_kinds(r, key_owners(qdisc_kinds(), &QdiscKind::keys), q.kind, "qdisc kind");
  if (!find_qdisc_kind(q.kind)->parse(ctx, r, q) || bad) return std::nullopt;
  return q;
}

static Offloads read_offloads(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  Offloads o;
  ObjReader r(ctx.d, v, ptr, {"tx_checksum", "tso", "gso", "gro"}, "offloads");
  if (!r.valid()) return o;
  o.tx_checksum = r.boolean("tx_checksum");
  o.tso = r.boolean("tso");
  o.gso = r.boolean("gso");
  o.gro = r.boolean("gro");
  return o;
}

LinkSettings ParseCtx::read_settings(ObjReader& r, const LinkSettings& base, bool allow_mac) {
  LinkSettings s = base;
  if (auto mtu = r.integer("mtu", 68, 65535)) s.mtu = static_cast<uint32_t>(*mtu);
  if (auto q = r.integer("txqueuelen", 0, 1'000'000)) s.txqueuelen = static_cast<uint32_t>(*q);
  if (allow_mac) {
    if (auto m = read_mac(r, "mac")) s.mac = m;
  }
  if (const JValue* q = r.get("qdisc")) {
    if (auto spec = read_qdisc(*this, *q, r.ptr("qdisc"))) s.qdisc = spec;
  }
  if (const JValue* o = r.get("offloads")) {
    Offloads mine = read_offloads(*this, *o, r.ptr("offloads"));
    if (mine.tx_checksum) s.offloads.tx_checksum = mine.tx_checksum;
    if (mine.tso) s.offloads.tso = mine.tso;
    if (mine.gso) s.offloads.gso = mine.gso;
    if (mine.gro) s.offloads.gro = mine.gro;
  }
  return s;
}

std::vector<Prefix> ParseCtx::read_addresses(ObjReader& r, const std::string& key, FieldRefs* refs) {
  std::vector<Prefix> out;
  const JValue* arr = r.array(key);
  if (!arr) return out;
  for (size_t i = 0; i < arr->items.size(); ++i) {
    const JValue& item = arr->items[i];
    std::string ptr = r.ptr(key) + "/" + std::to_string(i);
    auto s = as_string(d, item, ptr);
    if (!s) continue;
    auto p = Prefix::parse(*s);
    if (!p) {
      std::string hint = s->find('/') == std::string::npos
                             ? " (add the prefix length, e.g. \"" + *s + "/24\")"
                             : " (e.g. \"198.18.0.1/24\" or \"2001:2::1/64\")";
      d.add(item.pos, ptr, quote(*s) + " is not an IP address with a prefix length" + hint);
      continue;
    }
    if (p->addr.is_loopback() || p->addr.is_multicast() || p->addr.is_unspecified()) {
      d.add(item.pos, ptr,
            quote(*s) +
                " is a loopback, multicast or unspecified address; an interface "
                "needs a unicast one");
      continue;
    }
    if (p->family() == 4 && p->len <= 30 && (p->network().addr == p->addr)) {
      d.add(item.pos, ptr,
            quote(*s) + " is the network address of " + p->network().str() + "; use a host address such as " +
                p->host(1)->str() + "/" + std::to_string(p->len));
      continue;
    }
    if (p->family() == 4 && p->len <= 30) {
      auto last = p->host((uint64_t{1} << (32 - p->len)) - 1);
      if (last && *last == p->addr) {
        d.add(item.pos, ptr, quote(*s) + " is the broadcast address of " + p->network().str());
        continue;
      }
    }
    if (refs) (*refs)["addresses/" + std::to_string(out.size())] = ref(item, ptr);
    out.push_back(*p);
  }
  return out;
}

std::optional<size_t> ParseCtx::endpoint(const JValue& v, const std::string& ptr, size_t link, IfRole role,
                                         const LinkSettings& base, const std::vector<std::string>& extra_keys,
                                         const JValue** object_out) {
  Interface iface;
  iface.role = role;
  iface.link = link;
  iface.settings = base;
  iface.src = ref(v, ptr);
  if (object_out) *object_out = nullptr;
  std::string at;
  if (v.type == JValue::Type::string) {
    at = v.string;
    auto ep = endpoint_ref(at, v, ptr);
    if (!ep) return std::nullopt;
    iface.node = ep->first;
    iface.name = ep->second;
    return add_interface(std::move(iface), v);
  }
  if (v.type != JValue::Type::object) {
    d.add(v.pos, ptr, type_mismatch("\"node:ifname\" or an endpoint object", v));
    return std::nullopt;
  }
  std::vector<std::string> keys = {"at", "addresses", "mac", "mtu", "txqueuelen", "qdisc", "offloads"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  ObjReader r(d, v, ptr, keys, "endpoint");
  if (object_out) *object_out = &v;
  auto at_s = r.str("at", true);
  if (!at_s) return std::nullopt;
  auto ep = endpoint_ref(*at_s, *r.get("at"), r.ptr("at"));
  if (!ep) return std::nullopt;
  iface.node = ep->first;
  iface.name = ep->second;
  iface.settings = read_settings(r, base, true);
  iface.fields = r.field_refs();
  if (r.get("addresses")) {
    iface.addresses_declared = true;
    iface.addresses = read_addresses(r, "addresses", &iface.fields);
  }
  return add_interface(std::move(iface), v);
}

// ---------------------------------------------------------------- nodes

static void parse_route(ParseCtx& ctx, Node& node, const JValue& v, const std::string& ptr) {
  ObjReader r(ctx.d, v, ptr, {"to", "via", "dev", "metric"}, "route");
  if (!r.valid()) return;
  Route rt;
  rt.src = r.src();
  rt.fields = r.field_refs();
  auto to = r.str("to", true);
  if (to) {
    if (*to != "default") {
      auto p = Prefix::parse(*to, true);
      if (!p) {
        ctx.d.add(r.get("to")->pos, r.ptr("to"),
                  quote(*to) + " is not \"default\" or a prefix (e.g. \"198.18.4.0/24\")");
        return;
      }
      rt.to = p->network();
      rt.family = p->family();
    }
  }
  if (auto via = r.str("via")) {
    auto a = IpAddr::parse(*via);
    if (!a) {
      ctx.d.add(r.get("via")->pos, r.ptr("via"), quote(*via) + " is not an IP address");
      return;
    }
    if (rt.to && rt.to->family() != a->family) {
      ctx.d.add(r.get("via")->pos, r.ptr("via"),
                "gateway " + a->str() + " is IPv" + std::to_string(a->family) + " but the route to " +
                    rt.to->str() + " is IPv" + std::to_string(rt.to->family()));
      return;
    }
    rt.via = a;
    rt.family = a->family;
  }
  if (auto dev = r.str("dev")) {
    if (*dev != "lo" && !ctx.check_ifname(*dev, *r.get("dev"), r.ptr("dev"))) return;
    rt.dev = *dev;
  }
  if (auto m = r.integer("metric", 0, 4294967295LL)) rt.metric = static_cast<uint32_t>(*m);
  if (to && !rt.via && rt.dev.empty()) {
    ctx.d.add(v.pos, ptr, "route to " + quote(*to) + " needs \"via\" or \"dev\"");
    return;
  }
  if (!to) return;
  node.routes.push_back(rt);
}

static void parse_neighbor(ParseCtx& ctx, Node& node, const JValue& v, const std::string& ptr) {
  ObjReader r(ctx.d, v, ptr, {"ip", "mac", "dev"}, "neighbor");
  if (!r.valid()) return;
  Neighbor n;
  n.src = r.src();
  n.fields = r.field_refs();
  auto ip = r.str("ip", true);
  auto mac = ctx.read_mac(r, "mac");
  if (!r.get("mac")) r.require("mac");
  auto dev = r.str("dev", true);
  if (!ip || !mac || !dev) return;
  auto a = IpAddr::parse(*ip);
  if (!a) {
    ctx.d.add(r.get("ip")->pos, r.ptr("ip"), quote(*ip) + " is not an IP address");
    return;
  }
  if (!ctx.check_ifname(*dev, *r.get("dev"), r.ptr("dev"))) return;
  n.ip = *a;
  n.mac = *mac;
  n.dev = *dev;
  node.neighbors.push_back(n);
}

static std::vector<Sysctl> parse_sysctls(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  std::vector<Sysctl> out;
  if (v.type != JValue::Type::object) {
    ctx.d.add(v.pos, ptr, type_mismatch("an object of sysctl names to values", v));
    return out;
  }
  for (const auto& m : v.members) {
    std::string p = ptr + "/" + json_pointer_escape(m.key);
    if (!sysctl_name_valid(m.key)) {
      ctx.d.add(m.key_pos, p,
                "sysctl name " + quote(m.key) + " is not valid (dotted, e.g. \"net.ipv4.ip_forward\")");
      continue;
    }
    Sysctl s;
    s.name = m.key;
    s.src = ref(m.value, p);
    if (m.value.type == JValue::Type::string) {
      s.value = m.value.string;
    } else if (m.value.type == JValue::Type::number && m.value.is_integer) {
      s.value = m.value.string;
    } else {
      ctx.d.add(m.value.pos, p, type_mismatch("a string or an integer", m.value));
      continue;
    }
    if (s.value.find_first_of("\n\r") != std::string::npos) {
      ctx.d.add(m.value.pos, p, "sysctl value must be one line");
      continue;
    }
    s.global = !sysctl_is_per_netns(s.name);
    out.push_back(s);
  }
  return out;
}

static void parse_cpus(ParseCtx& ctx, ObjReader& r, Node& node) {
  auto cpus = r.str("cpus");
  if (!cpus) return;
  // "0", "0-3", "0,2,4-5"
  bool ok = !cpus->empty();
  int state = 0;  // 0 = expect number
  for (char c : *cpus) {
    if (c >= '0' && c <= '9')
      state = 1;
    else if ((c == ',' || c == '-') && state == 1)
      state = 0;
    else
      ok = false;
  }
  if (!ok || state != 1) {
    ctx.d.add(r.get("cpus")->pos, r.ptr("cpus"),
              quote(*cpus) + " is not a CPU list (e.g. \"1\", \"0-3\", \"0,2\")");
    return;
  }
  node.cpus = *cpus;
}

// The keys of a node object: those every kind takes, and each kind's own.
static std::vector<std::string> node_keys() {
  std::vector<std::string> keys = {"kind", "host", "sysctls", "allow_global_sysctls", "cpus", "routes", "neighbors"};
  for (const auto& k : node_kinds()) keys.insert(keys.end(), k.keys.begin(), k.keys.end());
  return keys;
}

static void parse_nodes(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  if (v.type != JValue::Type::object) {
    ctx.d.add(v.pos, ptr, type_mismatch("an object of node names to nodes", v));
    return;
  }
  if (v.members.empty()) {
    ctx.d.add(v.pos, ptr, "a lab needs at least one node");
    return;
  }
  // First pass: names and kinds, so later references resolve regardless of order.
  const std::vector<std::string> keys = node_keys();
  for (const auto& m : v.members) {
    std::string p = ptr + "/" + json_pointer_escape(m.key);
    if (!ctx.check_object_name(m.key, "node", 32, m.key_pos, p)) continue;
    if (m.key == "localhost" || m.key == "self") {
      ctx.d.add(m.key_pos, p, "node name " + quote(m.key) + " is reserved (it names an experiment target)");
      continue;
    }
    ObjReader r(ctx.d, m.value, p, keys, "node");
    if (!r.valid()) continue;
    auto kind = r.one_of("kind", kind_names(node_kinds()), "node kind", true);
    Node n;
    n.name = m.key;
    n.src = r.src();
    if (!kind) {
      // Declared, with an error already reported: later references to it
      // must not add "not declared".
      ctx.lab.nodes.push_back(std::move(n));
      continue;
    }
    n.kind = *kind;
    const NodeKind* nk = find_node_kind(*kind);
    reject_keys_of_other_kinds(r, key_owners(node_kinds(), &NodeKind::keys), n.kind, "node kind");
    if (nk->parse) nk->parse(ctx, r, n);
    parse_node_host(ctx, r, n);
    if (nk->root_namespace) {
      auto other = std::find_if(ctx.lab.nodes.begin(), ctx.lab.nodes.end(),
                                [&](const Node& x) { return x.root_namespace && x.host == n.host; });
      if (other != ctx.lab.nodes.end()) {
        ctx.d.add(m.key_pos, p,
                  "only one node " + std::string(n.host == kLocalHost ? "" : "of a host ") + "can be of kind " +
                      n.kind + " (node " + quote(other->name) + " already is: both would be " +
                      (n.host == kLocalHost ? std::string("this machine's") : "host " + quote(n.host) + "'s") +
                      " root namespace)");
        continue;
      }
    }
    n.root_namespace = nk->root_namespace;
    if (nk->own_netns) n.netns_name = netns_name_for(ctx.lab.name, n.name);
    ctx.lab.nodes.push_back(std::move(n));
  }
  // Second pass: everything else.
  for (const auto& m : v.members) {
    Node* node = nullptr;
    for (auto& n : ctx.lab.nodes)
      if (n.name == m.key) node = &n;
    if (!node || node->kind.empty()) continue;
    std::string p = ptr + "/" + json_pointer_escape(m.key);
    // Unknown keys were reported in the first pass.
    ObjReader q(ctx.d, m.value, p, keys, "node", false);
    if (auto allow = q.boolean("allow_global_sysctls")) node->allow_global_sysctls = *allow;
    if (const JValue* s = q.get("sysctls")) node->sysctls = parse_sysctls(ctx, *s, q.ptr("sysctls"));
    parse_cpus(ctx, q, *node);
    if (const JValue* routes = q.get("routes")) {
      if (routes->type != JValue::Type::array) {
        ctx.d.add(routes->pos, q.ptr("routes"), type_mismatch("an array of routes", *routes));
      } else {
        for (size_t i = 0; i < routes->items.size(); ++i)
          parse_route(ctx, *node, routes->items[i], q.ptr("routes") + "/" + std::to_string(i));
      }
    }
    if (const JValue* neigh = q.get("neighbors")) {
      if (neigh->type != JValue::Type::array) {
        ctx.d.add(neigh->pos, q.ptr("neighbors"), type_mismatch("an array of neighbours", *neigh));
      } else {
        for (size_t i = 0; i < neigh->items.size(); ++i)
          parse_neighbor(ctx, *node, neigh->items[i], q.ptr("neighbors") + "/" + std::to_string(i));
      }
    }
  }
}

// ---------------------------------------------------------------- links

static void parse_links(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  if (v.type != JValue::Type::array) {
    ctx.d.add(v.pos, ptr, type_mismatch("an array of links", v));
    return;
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JValue& item = v.items[i];
    std::string p = ptr + "/" + std::to_string(i);
    if (item.type != JValue::Type::object) {
      ctx.d.add(item.pos, p, type_mismatch("an object (link)", item));
      continue;
    }
    const JValue* kind = item.get("kind");
    if (!kind) {
      ctx.d.add(item.pos, p, "missing required key \"kind\" (" + join_names(kind_names(link_kinds())) + ")");
      continue;
    }
    if (kind->type != JValue::Type::string) {
      ctx.d.add(kind->pos, p + "/kind", type_mismatch("a string", *kind));
      continue;
    }
    const LinkKind* lk = find_link_kind(kind->string);
    if (!lk) {
      auto names = kind_names(link_kinds());
      std::string msg = "link kind \"" + kind->string + "\" is not supported; supported link kinds are " +
                        join_names(names);
      if (auto c = closest(kind->string, names)) msg += " (did you mean \"" + *c + "\"?)";
      ctx.d.add(kind->pos, p + "/kind", msg);
      continue;
    }
    ObjReader r(ctx.d, item, p, lk->keys, (kind->string + " link").c_str());
    Link link;
    link.kind = lk->name;
    link.src = r.src();
    if (auto sn = r.boolean("static_neighbors")) link.static_neighbors = *sn;
    ctx.lab.links.push_back(link);
    lk->parse(ctx, r, ctx.lab.links.size() - 1);
  }
}

// ---------------------------------------------------------------- experiments

static void parse_captures(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr) {
  if (v.type != JValue::Type::array) {
    ctx.d.add(v.pos, ptr, type_mismatch("an array of capture kinds", v));
    return;
  }
  auto names = kind_names(capture_kinds());
  std::vector<std::string> keys = {"kind", "required"};
  for (const auto& k : capture_kinds()) keys.insert(keys.end(), k.keys.begin(), k.keys.end());
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JValue& item = v.items[i];
    std::string p = ptr + "/" + std::to_string(i);
    CaptureSpec c;
    c.src = ref(item, p);
    const JValue* kind_v = &item;
    std::string kp = p;
    std::optional<ObjReader> r;
    if (item.type == JValue::Type::object) {
      r.emplace(ctx.d, item, p, keys, "capture");
      kind_v = r->require("kind");
      if (!kind_v) continue;
      kp = p + "/kind";
    }
    if (kind_v->type != JValue::Type::string) {
      ctx.d.add(kind_v->pos, kp, type_mismatch("a capture kind (string) or a capture object", *kind_v));
      continue;
    }
    const CaptureKind* ck = find_capture_kind(kind_v->string);
    if (!ck) {
      std::string msg = "capture kind \"" + kind_v->string +
                        "\" is not supported; supported capture kinds are " + join_names(names);
      if (auto cl = closest(kind_v->string, names)) msg += " (did you mean \"" + *cl + "\"?)";
      ctx.d.add(kind_v->pos, kp, msg);
      continue;
    }
    c.kind = ck->name;
    for (const auto& other : e.captures) {
      if (other.kind == c.kind) {
        ctx.d.add(kind_v->pos, kp, "capture " + quote(c.kind) + " is listed twice");
        c.kind.clear();
      }
    }
    if (c.kind.empty()) continue;
    if (r) {
      c.fields = r->field_refs();
      if (auto req = r->boolean("required")) c.required = *req;
      if (!reject_keys_of_other_kinds(*r, key_owners(capture_kinds(), &CaptureKind::keys), c.kind,
                                      "capture kind") &&
          ck->parse)
        ck->parse(ctx, *r, c);
    }
    e.captures.push_back(c);
  }
}

static void parse_responder(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr) {
  ObjReader r(ctx.d, v, ptr, {"kind", "at", "address", "cpu", "port", "drop_every", "wait", "delay"},
              "responder");
  if (!r.valid()) return;
  e.responder.src = r.src();
  e.responder.fields = r.field_refs();
  const ProbeKind* pk = find_probe_kind(e.probe);
  std::vector<std::string> allowed = pk ? pk->responders : std::vector<std::string>{};
  if (r.get("kind")) {
    auto k = r.one_of("kind", kind_names(responder_kinds()), "responder kind");
    if (k && pk && std::find(allowed.begin(), allowed.end(), *k) == allowed.end()) {
      ctx.d.add(r.get("kind")->pos, r.ptr("kind"),
                "responder " + quote(*k) + " cannot answer probe " + quote(e.probe) + " (it answers " +
                    join_names(allowed) + ")");
    } else if (k) {
      e.responder.kind = *k;
    }
  }
  if (auto at = r.str("at")) {
    auto ep = ctx.endpoint_ref(*at, *r.get("at"), r.ptr("at"));
    if (ep) {
      e.responder.node = ep->first;
      e.responder.interface = ep->second;
    }
  }
  if (auto addr = r.str("address")) {
    auto a = IpAddr::parse(*addr);
    if (!a)
      ctx.d.add(r.get("address")->pos, r.ptr("address"), quote(*addr) + " is not an IP address");
    else
      e.responder.address = a;
  }
  if (auto cpu = r.integer("cpu", 0, 4095)) e.responder.cpu = static_cast<int>(*cpu);
  if (auto port = r.integer("port", 1, 65535)) e.responder.port = static_cast<uint32_t>(*port);
  if (auto de = r.integer("drop_every", 2, 1'000'000)) e.responder.drop_every = static_cast<uint32_t>(*de);
  // Whether its kind can wait so and delay is checked in validate, once the kind is resolved.
  if (auto w = r.one_of("wait", wait_modes(), "wait mode")) e.responder.wait = *w;
  if (auto dl = r.duration("delay", 0, 1'000'000'000ULL)) e.responder.delay_ns = *dl;
}

static void parse_options(ParseCtx& ctx, Experiment& e, const JValue& v, const std::string& ptr) {
  std::vector<std::string> keys = {"busy_poll", "priority", "realtime"};
  for (const auto& k : probe_kinds()) keys.insert(keys.end(), k.option_keys.begin(), k.option_keys.end());
  ObjReader r(ctx.d, v, ptr, keys, "probe options");
  if (!r.valid()) return;
  reject_keys_of_other_kinds(r, key_owners(probe_kinds(), &ProbeKind::option_keys), e.probe, "probe");
  e.options.qdisc_bypass = r.boolean("qdisc_bypass");
  if (auto f = r.integer("fanout", 0, 65535)) e.options.fanout = static_cast<uint32_t>(*f);
  if (auto b = r.integer("ring_blocks", 1, 4096)) e.options.ring_blocks = static_cast<uint32_t>(*b);
  if (auto bs = r.integer("ring_block_size", 4096, 1 << 24)) {
    if ((*bs & (*bs - 1)) != 0) {
      ctx.d.add(r.get("ring_block_size")->pos, r.ptr("ring_block_size"),
                std::to_string(*bs) + " is not a power of two (the kernel needs one for TPACKET_V3 blocks)");
    } else {
      e.options.ring_block_size = static_cast<uint32_t>(*bs);
    }
  }
  if (auto bp = r.integer("busy_poll", 0, 1'000'000)) e.options.busy_poll_us = static_cast<uint32_t>(*bp);
  if (auto pr = r.integer("priority", 0, 6)) e.options.priority = static_cast<uint32_t>(*pr);
  if (auto rt = r.boolean("realtime")) e.options.realtime = *rt;
}

// "min_effect": "5%": the smallest relative effect a verdict reports, more
// than 0% and at most 100%, as a fraction.
static std::optional<double> read_min_effect(ObjReader& r) { return r.percent("min_effect"); }

static void parse_experiment(ParseCtx& ctx, const JValue& v, const std::string& ptr) {
  ObjReader r(
      ctx.d, v, ptr,
      {"name", "probe", "from", "to", "family", "count", "duration", "interval", "payload", "warmup",
       "timeout", "wait", "min_effect", "cpu", "responder", "options", "captures", "sysctls", "load", "pairs",
       "idle", "description"},
      "experiment");
  if (!r.valid()) return;
  Experiment e;
  e.src = r.src();
  e.fields = r.field_refs();
  auto name = r.str("name", true);
  if (name && ctx.check_object_name(*name, "experiment", 64, *r.get("name"), r.ptr("name"))) {
    for (const auto& other : ctx.lab.experiments) {
      if (other.name == *name) {
        ctx.d.add(r.get("name")->pos, r.ptr("name"),
                  "experiment name " + quote(*name) + " is already used by " + other.src.pointer);
        name.reset();
        break;
      }
    }
  } else {
    name.reset();
  }
  auto probe = r.one_of("probe", kind_names(probe_kinds()), "probe kind", true);
  // A list of pairs names every probe's from and to; the first is the experiment's own.
  if (const JValue* pv = r.get("pairs")) parse_pairs(ctx, e, *pv, r.ptr("pairs"));
  const bool listed = !e.pair_texts.empty();
  if (listed) {
    for (const char* key : {"from", "to"})
      if (const JValue* kv = r.get(key))
        ctx.d.add(kv->pos, r.ptr(key),
                  std::string("give \"") + key + "\" or a list of \"pairs\", not both (the first pair is the "
                  "experiment's own)");
  }
  auto from = listed ? std::nullopt : r.str("from", true);
  auto to = listed ? std::nullopt : r.str("to", true);
  e.name = name.value_or("");
  e.probe = probe.value_or("");
  if (listed) {
    e.from_node = e.pair_texts[0].from_node;
    e.from_interface = e.pair_texts[0].from_interface;
    if (!e.pair_texts[0].to_text.empty()) to = e.pair_texts[0].to_text;
    for (const char* key : {"from", "to"})  // messages about pair 0's ends point into the list
      if (auto it = e.pair_texts[0].fields.find(key); it != e.pair_texts[0].fields.end()) e.fields[key] = it->second;
  } else if (from) {
    const JValue& fv = *r.get("from");
    auto colon = from->find(':');
    if (colon == std::string::npos) {
      if (ctx.node_ref(*from, fv, r.ptr("from"))) e.from_node = *from;
    } else if (auto ep = ctx.endpoint_ref(*from, fv, r.ptr("from"))) {
      e.from_node = ep->first;
      e.from_interface = ep->second;
    }
  }
  if (to) e.to_text = *to;
  auto literal = to ? IpAddr::parse(*to) : std::nullopt;
  if (literal) e.family = literal->family;
  if (auto fam = r.integer("family", INT32_MIN, INT32_MAX)) {
    const JValue* fv = r.get("family");
    if (*fam != 4 && *fam != 6) {
      ctx.d.add(fv->pos, r.ptr("family"), "family must be 4 or 6");
    } else if (literal && literal->family != *fam) {
      ctx.d.add(fv->pos, r.ptr("family"),
                "family " + std::to_string(*fam) + " does not match target " + literal->str() + " (IPv" +
                    std::to_string(literal->family) + ")");
    } else {
      e.family = static_cast<int>(*fam);
    }
  }
  auto count = r.integer("count", 1, 100'000'000);
  auto duration = r.duration("duration", 1'000'000, 86'400'000'000'000ULL);
  if (r.get("count") && r.get("duration")) {
    ctx.d.add(r.get("duration")->pos, r.ptr("duration"), "give \"count\" or \"duration\", not both");
  }
  if (count) e.count = static_cast<uint64_t>(*count);
  if (duration) e.duration_ns = duration;
  if (!r.get("count") && !r.get("duration")) e.count = 100;
  if (auto iv = r.duration("interval", 0, 60'000'000'000ULL)) e.interval_ns = *iv;
  if (auto pl = r.integer("payload", 16, 65000)) e.payload = static_cast<uint32_t>(*pl);
  // Warm-up requests come on top of "count" (like sockperf): they are sent
  // first, stored flagged, and left out of the statistics.
  if (auto w = r.integer("warmup", 0, 1'000'000)) e.warmup = static_cast<uint32_t>(*w);
  if (auto t = r.duration("timeout", 1'000'000, 60'000'000'000ULL)) e.timeout_ns = *t;
  if (auto w = r.one_of("wait", wait_modes(), "wait mode")) e.wait = *w;
  e.min_effect = read_min_effect(r).value_or(ctx.lab.min_effect);
  if (auto cpu = r.integer("cpu", 0, 4095)) e.cpu = static_cast<int>(*cpu);
  if (const JValue* resp = r.get("responder")) parse_responder(ctx, e, *resp, r.ptr("responder"));
  if (const JValue* opts = r.get("options")) parse_options(ctx, e, *opts, r.ptr("options"));
  if (e.wait == "busy_poll" && e.options.busy_poll_us == 0u) {
    const JValue* bp = r.get("options")->get("busy_poll");
    ctx.d.add(bp->pos, r.ptr("options") + "/busy_poll",
              "\"wait\": \"busy_poll\" needs a busy-poll time above 0 (leave \"busy_poll\" out for " +
                  std::to_string(kDefaultBusyPollUs) + " us)");
  }
  if (const JValue* caps = r.get("captures")) parse_captures(ctx, e, *caps, r.ptr("captures"));
  if (const JValue* load = r.get("load")) parse_load(ctx, e, *load, r.ptr("load"));
  if (auto idle = r.str("idle")) e.idle = *idle;
  if (const JValue* sys = r.object("sysctls")) {
    for (const auto& m : sys->members) {
      std::string p = r.ptr("sysctls") + "/" + json_pointer_escape(m.key);
      if (!ctx.node_ref(m.key, m.value, p)) continue;
      e.sysctls[m.key] = parse_sysctls(ctx, m.value, p);
    }
  }
  ctx.lab.experiments.push_back(std::move(e));
}

// ---------------------------------------------------------------- document

void parse_inventory(const JValue& doc, Diags& d, std::vector<Host>& hosts) {
  Lab lab;
  ParseCtx ctx{d, lab};
  ObjReader r(d, doc, "", {"$schema", "hosts"}, "inventory");
  if (!r.valid()) return;
  if (const JValue* h = r.require("hosts")) parse_hosts(ctx, *h, r.ptr("hosts"));
  hosts = std::move(lab.hosts);
}

void parse_scenario(const JValue& doc, Diags& d, Lab& lab, const std::vector<Host>& inventory) {
  ParseCtx ctx{d, lab};
  ObjReader r(d, doc, "",
              {"$schema", "latlab", "name", "description", "pools", "hosts", "nodes", "links", "experiments",
               "repeat", "order", "seed", "min_effect", "allow_any_addresses"},
              "scenario");
  if (!r.valid()) return;
  if (auto ver = r.integer("latlab", 1, 1000, true)) {
    if (*ver != 1) {
      d.add(r.get("latlab")->pos, r.ptr("latlab"),
            "format version " + std::to_string(*ver) + " is not supported; this latlab reads version 1");
    }
  }
  if (auto name = r.str("name", true)) {
    if (ctx.check_object_name(*name, "lab", 32, *r.get("name"), r.ptr("name"))) lab.name = *name;
  }
  if (auto desc = r.str("description")) lab.description = *desc;
  lab.pools.ipv4 = Prefix::parse("198.18.0.0/15");
  lab.pools.ipv6 = Prefix::parse("2001:2::/48");
  if (auto any = r.boolean("allow_any_addresses")) lab.allow_any_addresses = *any;
  const Prefix bench4 = *lab.pools.ipv4, bench6 = *lab.pools.ipv6;
  if (const JValue* pools = r.get("pools")) {
    ObjReader pr(d, *pools, r.ptr("pools"), {"ipv4", "ipv6"}, "pools");
    for (const char* fam : {"ipv4", "ipv6"}) {
      const JValue* pv = pr.get(fam);
      if (!pv) continue;
      auto& slot = std::string(fam) == "ipv4" ? lab.pools.ipv4 : lab.pools.ipv6;
      if (pv->type == JValue::Type::null) {
        slot.reset();
        continue;
      }
      auto s = pr.str(fam);
      if (!s) continue;
      auto p = Prefix::parse(*s);
      int want = std::string(fam) == "ipv4" ? 4 : 6;
      if (!p || p->family() != want) {
        d.add(pv->pos, pr.ptr(fam), quote(*s) + " is not an IPv" + std::to_string(want) + " prefix");
        continue;
      }
      if ((want == 4 && p->len > 24) || (want == 6 && p->len > 64)) {
        d.add(pv->pos, pr.ptr(fam),
              "pool " + quote(*s) + " is too small: automatic addressing needs at least a /" +
                  std::string(want == 4 ? "24" : "64"));
        continue;
      }
      if (!lab.allow_any_addresses && !(want == 4 ? bench4 : bench6).contains(p->addr)) {
        d.add(pv->pos, pr.ptr(fam), outside_benchmarking(*s));
        continue;
      }
      slot = p->network();
    }
  }
  // Read before the experiments, which inherit it.
  if (auto me = read_min_effect(r)) lab.min_effect = *me;
  if (const JValue* hosts = r.get("hosts")) parse_hosts(ctx, *hosts, r.ptr("hosts"));
  for (const Host& h : inventory) {
    auto same = std::find_if(lab.hosts.begin(), lab.hosts.end(), [&](const Host& x) { return x.name == h.name; });
    if (same != lab.hosts.end())
      *same = h;
    else
      lab.hosts.push_back(h);
  }
  if (const JValue* nodes = r.require("nodes")) parse_nodes(ctx, *nodes, r.ptr("nodes"));
  if (const JValue* links = r.get("links")) parse_links(ctx, *links, r.ptr("links"));
  for (auto& n : lab.nodes) {
    const NodeKind* nk = find_node_kind(n.kind);
    if (nk && nk->after_links) nk->after_links(ctx, n);
  }
  if (const JValue* exps = r.get("experiments")) {
    if (exps->type != JValue::Type::array) {
      d.add(exps->pos, r.ptr("experiments"), type_mismatch("an array of experiments", *exps));
    } else {
      for (size_t i = 0; i < exps->items.size(); ++i)
        parse_experiment(ctx, exps->items[i], r.ptr("experiments") + "/" + std::to_string(i));
    }
  }
  if (auto rep = r.integer("repeat", 1, 10000)) lab.repeat = static_cast<uint32_t>(*rep);
  if (auto order = r.one_of("order", {"shuffled", "interleaved", "sequential"}, "order")) lab.order = *order;
  if (auto seed = r.integer("seed", 0, INT64_MAX)) lab.seed = static_cast<uint64_t>(*seed);
}

}  // namespace latlab::scenario
