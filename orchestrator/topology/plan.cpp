#include "topology/plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "scenario/kinds.h"
#include "scenario/units.h"
#include "topology/kinds.h"

namespace latlab::topology {

using scenario::IfRole;
using scenario::Interface;
using scenario::Lab;

namespace {

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
  auto k = qdisc_kind(q);
  return k ? (*k)->describe(q) : q.kind;
}

std::string route_text(const scenario::Route& r) {
  std::string out = r.to ? r.to->str() : std::string(r.family == 6 ? "default (IPv6)" : "default");
  if (r.via) out += " via " + r.via->str();
  if (!r.dev.empty()) out += " dev " + r.dev;
  if (r.metric) out += " metric " + std::to_string(*r.metric);
  return out;
}


}  // namespace

std::string agent_image_ref() { return std::string("latlab-agent:") + LATLAB_VERSION; }

std::vector<Action> PlanBuilder::take() {
  std::stable_sort(items_.begin(), items_.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<Action> out;
  out.reserve(items_.size());
  for (auto& [phase, action] : items_) out.push_back(std::move(action));
  items_.clear();
  return out;
}

namespace {

// What every interface gets whatever its link's kind: attributes, offloads,
// a qdisc and addresses.
void add_interface_settings(const Interface& f, PlanBuilder& b) {
  if (scenario::engine_made(f.role)) return;  // the container engine makes and addresses it
  const auto& s = f.settings;
  if (s.mtu || s.txqueuelen || s.mac)
    b.add(Phase::attributes, SetLinkAttrs{f.node, f.name, s.mtu, s.txqueuelen, s.mac});
  if (s.offloads.any()) b.add(Phase::offloads, SetOffloads{f.node, f.name, s.offloads});
  if (s.qdisc) b.add(Phase::qdiscs, SetQdisc{f.node, f.name, *s.qdisc});
  for (const auto& a : f.addresses) b.add(Phase::addresses, AddAddress{f.node, f.name, a});
}

Plan plan_of(const Lab& lab) {
  Plan p;
  p.lab = lab.name;
  PlanBuilder b;
  for (const auto& n : lab.nodes) {
    if (auto k = node_kind(n); k && (*k)->plan) (*k)->plan(lab, n, b);
    for (const auto& s : n.sysctls)
      b.add(Phase::node_setup, SetSysctl{n.name, s.name, s.value, s.global || n.root_namespace});
  }
  for (size_t li = 0; li < lab.links.size(); ++li)
    if (auto k = link_kind(lab.links[li]); k && (*k)->plan) (*k)->plan(lab, li, b);
  for (const auto& f : lab.interfaces) add_interface_settings(f, b);
  for (const auto& n : lab.nodes) {
    for (const auto& r : n.routes) b.add(Phase::routes, AddRoute{n.name, r});
    for (const auto& nb : n.neighbors) b.add(Phase::neighbors, AddNeighbor{n.name, nb});
  }
  p.actions = b.take();
  for (const auto& e : lab.experiments) p.experiments.push_back(experiment_line(e));
  return p;
}

}  // namespace

std::string experiment_line(const scenario::Experiment& e) {
  std::string out = fmt::format("{}: {} {}", e.name, e.probe, e.from_node);
  if (!e.from_interface.empty()) out += ":" + e.from_interface;
  out += fmt::format(" -> {} ({}, {})", e.target_late ? std::string("Docker's address at up") : e.target.str(),
                     e.to_text, scenario::path_kind_name(e.path_kind));
  if (!e.egress.empty()) out += " via " + e.egress;
  if (e.count) out += fmt::format(", count {}", *e.count);
  if (e.duration_ns) out += ", duration " + scenario::format_duration(*e.duration_ns);
  out += ", interval " + scenario::format_duration(e.interval_ns);
  out += ", wait " + e.wait;
  out += fmt::format(", payload {}", e.payload);
  if (e.warmup) out += fmt::format(", warmup {}", e.warmup);
  if (const auto* rk = scenario::find_responder_kind(e.responder.kind); rk && rk->user_space()) {
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

Plan make_plan(const Lab& lab, const std::string& host) {
  if (lab.hosts.empty()) return plan_of(lab);
  return plan_of(scenario::part_of(lab, host));
}

namespace {

struct Describe {
  std::string operator()(const EnsureImage& a) const {
    return a.agent_image ? fmt::format("docker: build image {} (FROM scratch, the agent alone) if missing", a.image)
                         : fmt::format("docker: check that image {} is on this machine (latlab never pulls)", a.image);
  }
  std::string operator()(const CreateDockerNetwork& a) const {
    return fmt::format("docker: create network {} ({}, bridge {}){}", a.name, a.subnet.str(), a.bridge,
                       a.forward ? ", DOCKER-USER ACCEPT -i and -o it (deleted at teardown)" : "");
  }
  std::string operator()(const CreateContainer& a) const {
    std::string out = fmt::format("docker: create container {} from {} on network {}", a.container, a.image, a.network);
    if (a.ipv4) out += " address " + a.ipv4->str();
    if (!a.cpus.empty()) out += " cpus " + a.cpus;
    if (!a.agent_image) out += ", copy the agent in";
    return out + fmt::format(", start it, link its namespace as {}", a.netns);
  }
  std::string operator()(const CreateNetns& a) const {
    return fmt::format("create namespace {} for node {}", a.netns, a.node);
  }
  std::string operator()(const SetSysctl& a) const {
    return fmt::format("{}: sysctl {} = {}{}", a.node, a.name, a.value,
                       a.global ? " (machine-wide, restored at teardown)" : "");
  }
  std::string operator()(const CreateBridge& a) const {
    return fmt::format("{}: create bridge {}", a.node, a.name);
  }
  std::string operator()(const CreateVeth& a) const {
    return fmt::format("create veth {}:{} <-> {}:{}", a.node, a.name, a.peer_node, a.peer_name);
  }
  std::string operator()(const CreateMacvlan& a) const {
    return fmt::format("{}: create macvlan {} on {} mode {}", a.node, a.name, a.parent, a.mode);
  }
  std::string operator()(const CreateVxlan& a) const {
    return fmt::format("{}: create vxlan {} vni {} {} -> {} udp port {} over {}", a.node, a.name, a.vni,
                       a.local.str(), a.remote.str(), a.port, a.underlay);
  }
  std::string operator()(const MovePhys& a) const {
    return fmt::format("move device {} into {} as {} (given back at teardown)", a.device, a.node, a.new_name);
  }
  std::string operator()(const SetMaster& a) const {
    return fmt::format("{}: attach {} to bridge {}", a.node, a.name, a.master);
  }
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
  std::string operator()(const SetQdisc& a) const {
    return fmt::format("{}: qdisc {} root {}", a.node, a.name, qdisc_text(a.qdisc));
  }
  std::string operator()(const BridgeNetfilterOff& a) const {
    return fmt::format(
        "{}: bridge {} nf_call_iptables/ip6tables/arptables off (in the root namespace, where the host-wide "
        "bridge-nf-call switch is on, also a FORWARD ACCEPT rule for the bridge marked with the lab)",
        a.node, a.bridge);
  }
  std::string operator()(const AddAddress& a) const {
    return fmt::format("{}: add address {} to {}", a.node, a.address.str(), a.name);
  }
  std::string operator()(const LinkUp& a) const { return fmt::format("{}: set {} up", a.node, a.name); }
  std::string operator()(const AddRoute& a) const {
    return fmt::format("{}: add route {}", a.node, route_text(a.route));
  }
  std::string operator()(const AddNeighbor& a) const {
    return fmt::format("{}: add neighbour {} lladdr {} dev {} permanent", a.node, a.neighbor.ip.str(),
                       a.neighbor.mac.str(), a.neighbor.dev);
  }
};

using nlohmann::json;

struct ToJson {
  json operator()(const EnsureImage& a) const {
    return {{"action", "ensure-image"}, {"node", a.node}, {"image", a.image}, {"agent_image", a.agent_image}};
  }
  json operator()(const CreateDockerNetwork& a) const {
    return {{"action", "create-docker-network"}, {"link", a.link},       {"name", a.name},
            {"subnet", a.subnet.str()},         {"bridge", a.bridge},   {"forward", a.forward}};
  }
  json operator()(const CreateContainer& a) const {
    json j = {{"action", "create-container"}, {"node", a.node},   {"container", a.container},
              {"image", a.image},             {"network", a.network}, {"cpus", a.cpus},
              {"netns", a.netns},             {"agent_image", a.agent_image}};
    if (a.ipv4) j["ipv4"] = a.ipv4->str();
    return j;
  }
  json operator()(const CreateNetns& a) const {
    return {{"action", "create-netns"}, {"node", a.node}, {"netns", a.netns}};
  }
  json operator()(const SetSysctl& a) const {
    return {{"action", "set-sysctl"},
            {"node", a.node},
            {"name", a.name},
            {"value", a.value},
            {"global", a.global}};
  }
  json operator()(const CreateBridge& a) const {
    return {{"action", "create-bridge"}, {"node", a.node}, {"name", a.name}};
  }
  json operator()(const CreateVeth& a) const {
    return {{"action", "create-veth"},
            {"node", a.node},
            {"name", a.name},
            {"peer_node", a.peer_node},
            {"peer_name", a.peer_name}};
  }
  json operator()(const CreateMacvlan& a) const {
    return {{"action", "create-macvlan"},
            {"node", a.node},
            {"name", a.name},
            {"parent", a.parent},
            {"mode", a.mode}};
  }
  json operator()(const CreateVxlan& a) const {
    return {{"action", "create-vxlan"}, {"node", a.node},     {"name", a.name},         {"vni", a.vni},
            {"local", a.local.str()},   {"remote", a.remote.str()}, {"port", a.port}, {"underlay", a.underlay}};
  }
  json operator()(const MovePhys& a) const {
    return {{"action", "move-phys"}, {"node", a.node}, {"device", a.device}, {"name", a.new_name}};
  }
  json operator()(const SetMaster& a) const {
    return {{"action", "set-master"}, {"node", a.node}, {"name", a.name}, {"master", a.master}};
  }
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
    if (auto k = qdisc_kind(a.qdisc)) (*k)->to_json(a.qdisc, j);
    return j;
  }
  json operator()(const BridgeNetfilterOff& a) const {
    return {{"action", "bridge-netfilter-off"}, {"node", a.node}, {"name", a.bridge}};
  }
  json operator()(const AddAddress& a) const {
    return {{"action", "add-address"}, {"node", a.node}, {"name", a.name}, {"address", a.address.str()}};
  }
  json operator()(const LinkUp& a) const {
    return {{"action", "link-up"}, {"node", a.node}, {"name", a.name}};
  }
  json operator()(const AddRoute& a) const {
    json j = {{"action", "add-route"},
              {"node", a.node},
              {"to", a.route.to ? a.route.to->str() : "default"},
              {"family", a.route.family}};
    if (a.route.via) j["via"] = a.route.via->str();
    if (!a.route.dev.empty()) j["dev"] = a.route.dev;
    if (a.route.metric) j["metric"] = *a.route.metric;
    return j;
  }
  json operator()(const AddNeighbor& a) const {
    return {{"action", "add-neighbor"},
            {"node", a.node},
            {"ip", a.neighbor.ip.str()},
            {"mac", a.neighbor.mac.str()},
            {"dev", a.neighbor.dev}};
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
