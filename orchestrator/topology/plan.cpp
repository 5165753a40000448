#include "topology/plan.h"

#include <fmt/format.h>

#include "scenario/kinds.h"
#include "scenario/units.h"

namespace latlab::topology {

using scenario::IfRole;
using scenario::Interface;
using scenario::Lab;

namespace {

bool is_created(const Interface& f) { return f.role != IfRole::phys_moved; }

void add_settings(Plan& p, const Interface& f) {
  const auto& s = f.settings;
  if (s.mtu || s.txqueuelen || s.mac) p.actions.push_back(SetLinkAttrs{f.node, f.name, s.mtu, s.txqueuelen, s.mac});
}

std::string offloads_text(const scenario::Offloads& o) {
  std::string out;
  auto add = [&](const char* name, const std::optional<bool>& v) {
    if (!v) return;
    if (!out.empty()) out += " ";
    out += std::string(name) + " " + (*v ? "on" : "off");
  };
  add("tx-checksum", o.tx_checksum);
  add("tso", o.tso);
  add("gso", o.gso);
  add("gro", o.gro);
  return out;
}

std::string qdisc_text(const scenario::QdiscSpec& q) {
  if (q.kind == "tbf")
    return fmt::format("tbf rate {}bit burst {}b latency {}", q.tbf.rate_bps, q.tbf.burst_bytes,
                       scenario::format_duration(q.tbf.latency_ns));
  std::string out = "netem";
  if (q.netem.delay_ns) out += " delay " + scenario::format_duration(q.netem.delay_ns);
  if (q.netem.jitter_ns) out += " jitter " + scenario::format_duration(q.netem.jitter_ns);
  if (q.netem.loss_pct > 0) out += fmt::format(" loss {}%", q.netem.loss_pct);
  out += fmt::format(" limit {}", q.netem.limit);
  return out;
}

std::string route_text(const scenario::Route& r) {
  std::string out = r.to ? r.to->str() : std::string(r.family == 6 ? "default (IPv6)" : "default");
  if (r.via) out += " via " + r.via->str();
  if (!r.dev.empty()) out += " dev " + r.dev;
  if (r.metric) out += " metric " + std::to_string(*r.metric);
  return out;
}

std::string experiment_line(const scenario::Experiment& e) {
  std::string out = fmt::format("{}: {} {}", e.name, e.probe, e.from_node);
  if (!e.from_interface.empty()) out += ":" + e.from_interface;
  out += fmt::format(" -> {} ({}, {})", e.target.str(), e.to_text, e.path_kind);
  if (!e.egress.empty()) out += " via " + e.egress;
  if (e.count) out += fmt::format(", count {}", *e.count);
  if (e.duration_ns) out += ", duration " + scenario::format_duration(*e.duration_ns);
  out += ", interval " + scenario::format_duration(e.interval_ns);
  out += ", wait " + e.wait;
  out += fmt::format(", payload {}", e.payload);
  if (e.warmup) out += fmt::format(", warmup {}", e.warmup);
  if (e.responder.kind != "kernel") {
    out += ", responder " + e.responder.kind + " in " + e.responder.node;
    std::string how;
    if (e.responder.wait != "block") how = "wait " + e.responder.wait;
    if (e.responder.delay_ns)
      how += (how.empty() ? "delay " : ", delay ") + scenario::format_duration(e.responder.delay_ns);
    if (!how.empty()) out += " (" + how + ")";
  }
  if (!e.captures.empty()) {
    out += ", captures";
    for (size_t i = 0; i < e.captures.size(); ++i) out += (i ? "," : " ") + e.captures[i].kind;
  }
  return out;
}

}  // namespace

Plan make_plan(const Lab& lab) {
  Plan p;
  p.lab = lab.name;
  for (const auto& n : lab.nodes)
    if (!n.netns_name.empty()) p.actions.push_back(CreateNetns{n.name, n.netns_name});
  for (const auto& n : lab.nodes) {
    if (!n.netns_name.empty()) p.actions.push_back(LinkUp{n.name, "lo"});
    for (const auto& s : n.sysctls) p.actions.push_back(SetSysctl{n.name, s.name, s.value, s.global || n.kind == "host"});
  }
  for (const auto& f : lab.interfaces)
    if (f.role == IfRole::bridge) p.actions.push_back(CreateBridge{f.node, f.name});
  for (const auto& f : lab.interfaces) {
    if (f.role == IfRole::veth) {
      // Each pair once: from the end that comes first.
      auto colon = f.peer.find(':');
      std::string pn = f.peer.substr(0, colon), pi = f.peer.substr(colon + 1);
      const Interface* peer = lab.find_interface(pn, pi);
      if (peer && peer < &f) continue;
      p.actions.push_back(CreateVeth{f.node, f.name, pn, pi});
    } else if (f.role == IfRole::bridge_member) {
      auto colon = f.peer.find(':');
      p.actions.push_back(CreateVeth{f.node, f.name, f.peer.substr(0, colon), f.peer.substr(colon + 1)});
    } else if (f.role == IfRole::macvlan) {
      p.actions.push_back(CreateMacvlan{f.node, f.name, f.parent, f.macvlan_mode});
    } else if (f.role == IfRole::phys_moved) {
      p.actions.push_back(MovePhys{f.node, f.parent, f.name});
    }
  }
  for (const auto& f : lab.interfaces)
    if (f.role == IfRole::bridge_port) p.actions.push_back(SetMaster{f.node, f.name, f.master});
  for (const auto& f : lab.interfaces) add_settings(p, f);
  for (const auto& f : lab.interfaces)
    if (f.settings.offloads.any()) p.actions.push_back(SetOffloads{f.node, f.name, f.settings.offloads});
  for (const auto& f : lab.interfaces)
    if (f.settings.qdisc) p.actions.push_back(SetQdisc{f.node, f.name, *f.settings.qdisc});
  for (const auto& f : lab.interfaces)
    if (f.role == IfRole::bridge) p.actions.push_back(BridgeNetfilterOff{f.node, f.name});
  for (const auto& f : lab.interfaces)
    for (const auto& a : f.addresses) p.actions.push_back(AddAddress{f.node, f.name, a});
  // Bridges first, then everything else, so ports come up on a live bridge.
  for (const auto& f : lab.interfaces)
    if (f.role == IfRole::bridge) p.actions.push_back(LinkUp{f.node, f.name});
  for (const auto& f : lab.interfaces)
    if (f.role != IfRole::bridge && is_created(f)) p.actions.push_back(LinkUp{f.node, f.name});
  for (const auto& f : lab.interfaces)
    if (f.role == IfRole::phys_moved) p.actions.push_back(LinkUp{f.node, f.name});
  for (const auto& n : lab.nodes)
    for (const auto& r : n.routes) p.actions.push_back(AddRoute{n.name, r});
  for (const auto& n : lab.nodes)
    for (const auto& nb : n.neighbors) p.actions.push_back(AddNeighbor{n.name, nb});
  for (const auto& e : lab.experiments) p.experiments.push_back(experiment_line(e));
  return p;
}

namespace {

struct Describe {
  std::string operator()(const CreateNetns& a) const { return fmt::format("create namespace {} for node {}", a.netns, a.node); }
  std::string operator()(const SetSysctl& a) const {
    return fmt::format("{}: sysctl {} = {}{}", a.node, a.name, a.value, a.global ? " (machine-wide, restored at teardown)" : "");
  }
  std::string operator()(const CreateBridge& a) const { return fmt::format("{}: create bridge {}", a.node, a.name); }
  std::string operator()(const CreateVeth& a) const {
    return fmt::format("create veth {}:{} <-> {}:{}", a.node, a.name, a.peer_node, a.peer_name);
  }
  std::string operator()(const CreateMacvlan& a) const {
    return fmt::format("{}: create macvlan {} on {} mode {}", a.node, a.name, a.parent, a.mode);
  }
  std::string operator()(const MovePhys& a) const {
    return fmt::format("move device {} into {} as {} (given back at teardown)", a.device, a.node, a.new_name);
  }
  std::string operator()(const SetMaster& a) const { return fmt::format("{}: attach {} to bridge {}", a.node, a.name, a.master); }
  std::string operator()(const SetLinkAttrs& a) const {
    std::string out = fmt::format("{}: set {}", a.node, a.name);
    if (a.mtu) out += fmt::format(" mtu {}", *a.mtu);
    if (a.txqueuelen) out += fmt::format(" txqueuelen {}", *a.txqueuelen);
    if (a.mac) out += " address " + a.mac->str();
    return out;
  }
  std::string operator()(const SetOffloads& a) const {
    return fmt::format("{}: offloads {} {}", a.node, a.name, offloads_text(a.offloads));
  }
  std::string operator()(const SetQdisc& a) const { return fmt::format("{}: qdisc {} root {}", a.node, a.name, qdisc_text(a.qdisc)); }
  std::string operator()(const BridgeNetfilterOff& a) const {
    return fmt::format("{}: bridge {} nf_call_iptables/ip6tables/arptables off (in the root namespace, where the host-wide "
                       "bridge-nf-call switch is on, also a FORWARD ACCEPT rule for the bridge marked with the lab)", a.node, a.bridge);
  }
  std::string operator()(const AddAddress& a) const { return fmt::format("{}: add address {} to {}", a.node, a.address.str(), a.name); }
  std::string operator()(const LinkUp& a) const { return fmt::format("{}: set {} up", a.node, a.name); }
  std::string operator()(const AddRoute& a) const { return fmt::format("{}: add route {}", a.node, route_text(a.route)); }
  std::string operator()(const AddNeighbor& a) const {
    return fmt::format("{}: add neighbour {} lladdr {} dev {} permanent", a.node, a.neighbor.ip.str(), a.neighbor.mac.str(), a.neighbor.dev);
  }
};

using nlohmann::json;

struct ToJson {
  json operator()(const CreateNetns& a) const { return {{"action", "create-netns"}, {"node", a.node}, {"netns", a.netns}}; }
  json operator()(const SetSysctl& a) const {
    return {{"action", "set-sysctl"}, {"node", a.node}, {"name", a.name}, {"value", a.value}, {"global", a.global}};
  }
  json operator()(const CreateBridge& a) const { return {{"action", "create-bridge"}, {"node", a.node}, {"name", a.name}}; }
  json operator()(const CreateVeth& a) const {
    return {{"action", "create-veth"}, {"node", a.node}, {"name", a.name}, {"peer_node", a.peer_node}, {"peer_name", a.peer_name}};
  }
  json operator()(const CreateMacvlan& a) const {
    return {{"action", "create-macvlan"}, {"node", a.node}, {"name", a.name}, {"parent", a.parent}, {"mode", a.mode}};
  }
  json operator()(const MovePhys& a) const {
    return {{"action", "move-phys"}, {"node", a.node}, {"device", a.device}, {"name", a.new_name}};
  }
  json operator()(const SetMaster& a) const { return {{"action", "set-master"}, {"node", a.node}, {"name", a.name}, {"master", a.master}}; }
  json operator()(const SetLinkAttrs& a) const {
    json j = {{"action", "set-link"}, {"node", a.node}, {"name", a.name}};
    if (a.mtu) j["mtu"] = *a.mtu;
    if (a.txqueuelen) j["txqueuelen"] = *a.txqueuelen;
    if (a.mac) j["mac"] = a.mac->str();
    return j;
  }
  json operator()(const SetOffloads& a) const {
    json j = {{"action", "set-offloads"}, {"node", a.node}, {"name", a.name}};
    if (a.offloads.tx_checksum) j["tx_checksum"] = *a.offloads.tx_checksum;
    if (a.offloads.tso) j["tso"] = *a.offloads.tso;
    if (a.offloads.gso) j["gso"] = *a.offloads.gso;
    if (a.offloads.gro) j["gro"] = *a.offloads.gro;
    return j;
  }
  json operator()(const SetQdisc& a) const {
    json j = {{"action", "set-qdisc"}, {"node", a.node}, {"name", a.name}, {"kind", a.qdisc.kind}};
    if (a.qdisc.kind == "tbf") {
      j["rate_bps"] = a.qdisc.tbf.rate_bps;
      j["burst_bytes"] = a.qdisc.tbf.burst_bytes;
      j["latency_ns"] = a.qdisc.tbf.latency_ns;
    } else {
      j["delay_ns"] = a.qdisc.netem.delay_ns;
      j["jitter_ns"] = a.qdisc.netem.jitter_ns;
      j["loss_pct"] = a.qdisc.netem.loss_pct;
      j["limit"] = a.qdisc.netem.limit;
    }
    return j;
  }
  json operator()(const BridgeNetfilterOff& a) const { return {{"action", "bridge-netfilter-off"}, {"node", a.node}, {"name", a.bridge}}; }
  json operator()(const AddAddress& a) const { return {{"action", "add-address"}, {"node", a.node}, {"name", a.name}, {"address", a.address.str()}}; }
  json operator()(const LinkUp& a) const { return {{"action", "link-up"}, {"node", a.node}, {"name", a.name}}; }
  json operator()(const AddRoute& a) const {
    json j = {{"action", "add-route"}, {"node", a.node}, {"to", a.route.to ? a.route.to->str() : "default"}, {"family", a.route.family}};
    if (a.route.via) j["via"] = a.route.via->str();
    if (!a.route.dev.empty()) j["dev"] = a.route.dev;
    if (a.route.metric) j["metric"] = *a.route.metric;
    return j;
  }
  json operator()(const AddNeighbor& a) const {
    return {{"action", "add-neighbor"}, {"node", a.node}, {"ip", a.neighbor.ip.str()}, {"mac", a.neighbor.mac.str()}, {"dev", a.neighbor.dev}};
  }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describe{}, action); }

nlohmann::json to_json(const Action& action) { return std::visit(ToJson{}, action); }

nlohmann::json to_json(const Plan& plan) {
  nlohmann::json j;
  j["lab"] = plan.lab;
  j["actions"] = nlohmann::json::array();
  for (const auto& a : plan.actions) j["actions"].push_back(to_json(a));
  j["experiments"] = plan.experiments;
  return j;
}

const std::string& node_of(const Action& action) {
  return std::visit([](const auto& a) -> const std::string& { return a.node; }, action);
}

}  // namespace latlab::topology
