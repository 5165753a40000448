#include "support/fake_netlink_ops.h"

#include <algorithm>

namespace latlab::topology {

namespace {
std::string at(const Ns& ns, const std::string& name) {
  return (ns.empty() ? std::string("host") : ns) + ":" + name;
}
}  // namespace

FakeNetlinkOps::FakeNetlinkOps() {
  Link lo;
  lo.state.name = "lo";
  lo.state.ifindex = 1;
  spaces[""].links["lo"] = lo;
}

Status FakeNetlinkOps::call(const std::string& line) {
  log.push_back(line);
  if (on_call) on_call(line);
  for (const auto& [prefix, err] : fail) {
    if (line.rfind(prefix, 0) == 0) return Error::from_errno(line, err);
  }
  return Ok{};
}

Result<FakeNetlinkOps::Space*> FakeNetlinkOps::space(const Ns& ns) {
  auto it = spaces.find(ns);
  if (it == spaces.end()) return Error::from_errno("namespace \"" + ns + "\"", ENOENT);
  return &it->second;
}

Result<FakeNetlinkOps::Link*> FakeNetlinkOps::link(const Ns& ns, const std::string& name) {
  auto s = space(ns);
  if (!s) return std::move(s).error();
  auto it = (*s)->links.find(name);
  if (it == (*s)->links.end()) return Error("no interface \"" + name + "\"", ENODEV);
  return &it->second;
}

bool FakeNetlinkOps::has_link(const Ns& ns, const std::string& name) const {
  auto it = spaces.find(ns);
  return it != spaces.end() && it->second.links.count(name) != 0;
}

// A namespace with its loopback marked; EEXIST when it is there already.
Status FakeNetlinkOps::add_space(const Ns& ns, const std::string& mark, const std::string& what) {
  if (spaces.count(ns) != 0) return Error::from_errno(what + " \"" + ns + "\"", EEXIST);
  Link lo;
  lo.state.name = "lo";
  lo.state.ifindex = 1;
  lo.state.alias = mark;
  spaces[ns].links["lo"] = lo;
  return Ok{};
}

Status FakeNetlinkOps::create_netns(const Ns& ns, const std::string& mark) {
  LATLAB_TRY(call("create_netns " + ns));
  return add_space(ns, mark, "create namespace");
}

Status FakeNetlinkOps::link_netns(const Ns& ns, const std::string& target, const std::string& mark) {
  LATLAB_TRY(call("link_netns " + ns + " " + target));
  return add_space(ns, mark, "link namespace");
}

Status FakeNetlinkOps::delete_netns(const Ns& ns) {
  LATLAB_TRY(call("delete_netns " + ns));
  auto it = spaces.find(ns);
  if (it == spaces.end()) return Ok{};
  // veth peers elsewhere die with it
  for (const auto& [name, l] : it->second.links) {
    if (!l.peer.empty() && l.peer_ns != ns) {
      auto p = spaces.find(l.peer_ns);
      if (p != spaces.end()) p->second.links.erase(l.peer);
    }
  }
  spaces.erase(it);
  return Ok{};
}

Result<std::vector<std::string>> FakeNetlinkOps::list_netns() {
  std::vector<std::string> out;
  for (const auto& [ns, s] : spaces) {
    if (!ns.empty()) out.push_back(ns);
  }
  return out;
}

Result<std::string> FakeNetlinkOps::netns_mark(const Ns& ns) {
  auto l = link(ns, "lo");
  if (!l) return std::move(l).error();
  return (*l)->state.alias;
}

Status FakeNetlinkOps::create_bridge(const Ns& ns, const std::string& name, const scenario::MacAddr& mac) {
  LATLAB_TRY(call("create_bridge " + at(ns, name)));
  auto s = space(ns);
  if (!s) return std::move(s).error();
  if ((*s)->links.count(name) != 0) return Error::from_errno("create bridge \"" + name + "\"", EEXIST);
  Link l;
  l.state.name = name;
  l.state.kind = "bridge";
  l.state.bridge = true;
  l.state.mac = mac;
  l.state.ifindex = next_ifindex_++;
  (*s)->links[name] = l;
  return Ok{};
}

Status FakeNetlinkOps::create_veth(const Ns& ns, const std::string& name, const scenario::MacAddr& mac,
                                   const Ns& peer_ns, const std::string& peer_name,
                                   const scenario::MacAddr& peer_mac) {
  LATLAB_TRY(call("create_veth " + at(ns, name) + " " + at(peer_ns, peer_name)));
  auto a = space(ns);
  if (!a) return std::move(a).error();
  auto b = space(peer_ns);
  if (!b) return std::move(b).error();
  if ((*a)->links.count(name) != 0 || (*b)->links.count(peer_name) != 0) {
    return Error::from_errno("create veth \"" + name + "\"", EEXIST);
  }
  Link l;
  l.state.name = name;
  l.state.kind = "veth";
  l.state.mac = mac;
  l.state.ifindex = next_ifindex_++;
  l.peer_ns = peer_ns;
  l.peer = peer_name;
  Link p;
  p.state.name = peer_name;
  p.state.kind = "veth";
  p.state.mac = peer_mac;
  p.state.ifindex = next_ifindex_++;
  p.peer_ns = ns;
  p.peer = name;
  (*a)->links[name] = l;
  (*b)->links[peer_name] = p;
  return Ok{};
}

Status FakeNetlinkOps::create_macvlan(const Ns& ns, const std::string& name, const scenario::MacAddr& mac,
                                      const std::string& parent, const std::string& mode) {
  LATLAB_TRY(call("create_macvlan " + at(ns, name) + " on " + parent + " " + mode));
  auto s = space(ns);
  if (!s) return std::move(s).error();
  Link l;
  l.state.name = name;
  l.state.kind = "macvlan";
  l.state.mac = mac;
  l.state.ifindex = next_ifindex_++;
  (*s)->links[name] = l;
  return Ok{};
}

Status FakeNetlinkOps::create_vxlan(const Ns& ns, const VxlanSpec& v) {
  LATLAB_TRY(call("create_vxlan " + at(ns, v.name) + " vni " + std::to_string(v.vni) + " " + v.local.str() + " -> " +
                  v.remote.str() + " port " + std::to_string(v.port)));
  auto s = space(ns);
  if (!s) return std::move(s).error();
  Link l;
  l.state.name = v.name;
  l.state.kind = "vxlan";
  l.state.mac = v.mac;
  l.state.ifindex = next_ifindex_++;
  (*s)->links[v.name] = l;
  return Ok{};
}

Status FakeNetlinkOps::set_alias(const Ns& ns, const std::string& name, const std::string& alias) {
  LATLAB_TRY(call("set_alias " + at(ns, name) + " " + alias));
  auto l = link(ns, name);
  if (!l) return std::move(l).error();
  (*l)->state.alias = alias;
  return Ok{};
}

Status FakeNetlinkOps::delete_link(const Ns& ns, const std::string& name) {
  LATLAB_TRY(call("delete_link " + at(ns, name)));
  auto l = link(ns, name);
  if (!l) return std::move(l).error();
  if (!(*l)->peer.empty()) {
    auto p = spaces.find((*l)->peer_ns);
    if (p != spaces.end()) p->second.links.erase((*l)->peer);
  }
  spaces[ns].links.erase(name);
  return Ok{};
}

Result<std::vector<LinkState>> FakeNetlinkOps::list_links(const Ns& ns) {
  auto s = space(ns);
  if (!s) return std::move(s).error();
  std::vector<LinkState> out;
  for (const auto& [n, l] : (*s)->links) out.push_back(l.state);
  return out;
}

Status FakeNetlinkOps::set_master(const Ns& ns, const std::string& name, const std::string& master) {
  LATLAB_TRY(call("set_master " + at(ns, name) + " " + master));
  auto m = link(ns, master);
  if (!m) return std::move(m).error();
  auto l = link(ns, name);
  if (!l) return std::move(l).error();
  (*l)->state.master = (*m)->state.ifindex;
  return Ok{};
}

Status FakeNetlinkOps::set_link_attrs(const Ns& ns, const std::string& name, std::optional<uint32_t> mtu,
                                      std::optional<uint32_t> txqueuelen,
                                      std::optional<scenario::MacAddr> mac) {
  LATLAB_TRY(call("set_link_attrs " + at(ns, name)));
  auto l = link(ns, name);
  if (!l) return std::move(l).error();
  if (mtu) (*l)->state.mtu = *mtu;
  if (txqueuelen) (*l)->state.txqueuelen = *txqueuelen;
  if (mac) (*l)->state.mac = *mac;
  return Ok{};
}

Status FakeNetlinkOps::set_up(const Ns& ns, const std::string& name, bool up) {
  LATLAB_TRY(call(std::string(up ? "set_up " : "set_down ") + at(ns, name)));
  auto l = link(ns, name);
  if (!l) return std::move(l).error();
  (*l)->state.up = up;
  return Ok{};
}

Status FakeNetlinkOps::move_link(const Ns& ns, const std::string& name, const Ns& to,
                                 const std::string& new_name) {
  LATLAB_TRY(call("move_link " + at(ns, name) + " " + at(to, new_name)));
  auto l = link(ns, name);
  if (!l) return std::move(l).error();
  auto t = space(to);
  if (!t) return std::move(t).error();
  Link copy = **l;
  copy.state.name = new_name;
  spaces[ns].links.erase(name);
  auto& addrs = spaces[ns].addrs;
  std::erase_if(addrs, [&](const auto& a) { return a.first == name; });
  (*t)->links[new_name] = copy;
  return Ok{};
}

Status FakeNetlinkOps::set_bridge_netfilter(const Ns& ns, const std::string& bridge, bool on) {
  LATLAB_TRY(call(std::string("set_bridge_netfilter ") + at(ns, bridge) + (on ? " on" : " off")));
  auto l = link(ns, bridge);
  if (!l) return std::move(l).error();
  (*l)->state.nf_call_iptables = on;
  return Ok{};
}

Status FakeNetlinkOps::add_address(const Ns& ns, const std::string& dev, const scenario::Prefix& p) {
  LATLAB_TRY(call("add_address " + at(ns, dev) + " " + p.str()));
  auto l = link(ns, dev);
  if (!l) return std::move(l).error().context("add address " + p.str() + " to \"" + dev + "\"");
  for (const auto& a : spaces[ns].addrs) {
    if (a.first == dev && a.second == p) {
      return Error::from_errno("add address " + p.str() + " to \"" + dev + "\"", EEXIST);
    }
  }
  spaces[ns].addrs.emplace_back(dev, p);
  return Ok{};
}

Result<std::vector<AddrState>> FakeNetlinkOps::list_addresses(const Ns& ns) {
  auto s = space(ns);
  if (!s) return std::move(s).error();
  std::vector<AddrState> out;
  for (const auto& [dev, p] : (*s)->addrs) {
    AddrState a;
    a.ifindex = (*s)->links.count(dev) != 0 ? (*s)->links[dev].state.ifindex : 0;
    a.prefix = p;
    out.push_back(a);
  }
  return out;
}

Status FakeNetlinkOps::add_route(const Ns& ns, const scenario::Route& r) {
  return call("add_route " + at(ns, r.dev) + " " + (r.to ? r.to->str() : std::string("default")));
}
Status FakeNetlinkOps::delete_route(const Ns& ns, const scenario::Route& r) {
  return call("delete_route " + at(ns, r.dev) + " " + (r.to ? r.to->str() : std::string("default")));
}
Result<std::vector<RouteState>> FakeNetlinkOps::list_routes(const Ns& /*ns*/) {
  return std::vector<RouteState>{};
}
Status FakeNetlinkOps::add_neighbor(const Ns& ns, const scenario::Neighbor& n) {
  return call("add_neighbor " + at(ns, n.dev) + " " + n.ip.str());
}
Status FakeNetlinkOps::delete_neighbor(const Ns& ns, const scenario::Neighbor& n) {
  return call("delete_neighbor " + at(ns, n.dev) + " " + n.ip.str());
}
Status FakeNetlinkOps::set_qdisc(const Ns& ns, const std::string& dev, const scenario::QdiscSpec& q) {
  return call("set_qdisc " + at(ns, dev) + " " + q.kind);
}
Status FakeNetlinkOps::set_offloads(const Ns& ns, const std::string& dev, const scenario::Offloads& /*o*/) {
  return call("set_offloads " + at(ns, dev));
}

NetlinkOps::RulesPending FakeNetlinkOps::start_add_bridge_accept_rules(const std::vector<FwRule>& rules) {
  std::vector<Status> out;
  for (const auto& r : rules) {
    Status st = call("add_bridge_accept_rule " + std::to_string(r.family) + " " + r.bridge + " " + r.mark);
    if (st) fw_rules.push_back(r);
    out.push_back(std::move(st));
  }
  return [out] { return out; };
}

NetlinkOps::RulesPending FakeNetlinkOps::start_delete_bridge_accept_rules(const std::vector<FwRule>& rules) {
  std::vector<Status> out;
  for (const auto& r : rules) {
    Status st = call("delete_bridge_accept_rule " + std::to_string(r.family) + " " + r.bridge + " " + r.mark);
    auto same = [&](const FwRule& x) { return x == r; };
    if (st && std::none_of(fw_rules.begin(), fw_rules.end(), same)) st = Error("no such rule", ENOENT);
    if (st) std::erase_if(fw_rules, same);
    out.push_back(std::move(st));
  }
  return [out] { return out; };
}

Result<std::vector<NetlinkOps::FwRule>> FakeNetlinkOps::list_bridge_accept_rules() { return fw_rules; }

Result<std::string> FakeNetlinkOps::read_sysctl(const Ns& ns, const std::string& name) {
  LATLAB_TRY(call("read_sysctl " + at(ns, name)));
  auto s = space(ns);
  if (!s) return std::move(s).error();
  auto it = (*s)->sysctls.find(name);
  return it == (*s)->sysctls.end() ? std::string("0") : it->second;
}

Status FakeNetlinkOps::write_sysctl(const Ns& ns, const std::string& name, const std::string& value) {
  LATLAB_TRY(call("write_sysctl " + at(ns, name) + "=" + value));
  auto s = space(ns);
  if (!s) return std::move(s).error();
  (*s)->sysctls[name] = value;
  return Ok{};
}

}  // namespace latlab::topology
