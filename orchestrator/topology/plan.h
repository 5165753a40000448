// A Plan is the ordered list of kernel actions that builds a lab. `latlab plan`
// prints it; the topology engine executes exactly it (journal first, then the
// kernel). Making a plan never touches the kernel.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <variant>
#include <vector>

#include "scenario/model.h"

namespace latlab::topology {

using scenario::IpAddr;
using scenario::MacAddr;
using scenario::Prefix;

// The container engine's part (docker nodes and docker-network links).
struct EnsureImage {  // the agent image is built when missing; another image must exist
  std::string node;
  std::string image;
  bool agent_image = false;  // latlab's own latlab-agent:<version>
};
struct CreateDockerNetwork {
  std::string node;  // "" (Docker's, in the root namespace)
  std::string link;  // the scenario's name
  std::string name;  // Docker's: latlab-<lab>-<link>
  Prefix subnet;
  std::string bridge;    // its Linux bridge
  bool forward = false;  // marked DOCKER-USER ACCEPT rules, -i and -o the bridge
};
struct CreateContainer {  // created, the agent copied in when the image is not latlab's, started, its namespace linked
  std::string node;
  std::string container;  // latlab-<lab>-<node>
  std::string image;
  bool agent_image = false;
  std::string network;  // Docker's name: "bridge", "none", latlab-<lab>-<link>
  std::optional<IpAddr> ipv4;
  std::string cpus;
  std::string netns;  // linked as /run/netns/<netns>
};

struct CreateNetns {
  std::string node;
  std::string netns;  // name under /run/netns
};
struct SetSysctl {
  std::string node;
  std::string name;
  std::string value;
  bool global = false;  // whole machine: the old value is journalled and restored
};
struct CreateBridge {
  std::string node;
  std::string name;
};
struct CreateVeth {  // both ends are created directly in their namespaces
  std::string node;
  std::string name;
  std::string peer_node;
  std::string peer_name;
};
struct CreateMacvlan {
  std::string node;
  std::string name;
  std::string parent;  // existing device in the root namespace
  std::string mode;
};
struct CreateVxlan {  // created in its node, sending to remote over the node's own routes
  std::string node;
  std::string name;
  uint32_t vni = 0;
  uint16_t port = 0;
  IpAddr local;
  IpAddr remote;
  std::string underlay;  // the device the scenario says it runs over (for the plan's reader)
};
struct MovePhys {  // an existing root-namespace device, given back at teardown
  std::string node;
  std::string device;
  std::string new_name;
};
struct SetMaster {
  std::string node;
  std::string name;
  std::string master;
};
struct SetLinkAttrs {
  std::string node;
  std::string name;
  std::optional<uint32_t> mtu;
  std::optional<uint32_t> txqueuelen;
  std::optional<MacAddr> mac;
};
struct SetOffloads {
  std::string node;
  std::string name;
  scenario::Offloads offloads;
};
struct SetQdisc {
  std::string node;
  std::string name;
  scenario::QdiscSpec qdisc;
};
struct BridgeNetfilterOff {  // per-bridge nf_call_iptables/ip6tables/arptables = 0
  std::string node;
  std::string bridge;
};
struct AddAddress {
  std::string node;
  std::string name;
  Prefix address;
};
struct LinkUp {
  std::string node;
  std::string name;
};
struct AddRoute {
  std::string node;
  scenario::Route route;
};
struct AddNeighbor {
  std::string node;
  scenario::Neighbor neighbor;
};

using Action = std::variant<EnsureImage, CreateDockerNetwork, CreateContainer, CreateNetns, SetSysctl, CreateBridge, CreateVeth, CreateMacvlan, CreateVxlan, MovePhys,
                            SetMaster, SetLinkAttrs, SetOffloads, SetQdisc, BridgeNetfilterOff, AddAddress,
                            LinkUp, AddRoute, AddNeighbor>;

// The phases of a plan, in the order they run. Kinds add each action to its
// phase; inside a phase actions keep the order they were added in.
enum class Phase {
  images,
  docker_networks,
  namespaces,  // and containers
  node_setup,  // loopback up, sysctls
  bridges,
  devices,
  masters,
  attributes,
  offloads,
  qdiscs,
  bridge_netfilter,
  addresses,
  up_bridges,  // bridges first, so ports come up on a live bridge
  up,
  up_moved,  // devices moved in from the root namespace, last
  routes,
  neighbors,
};

class PlanBuilder {
 public:
  void add(Phase phase, Action action) { items_.emplace_back(phase, std::move(action)); }
  // The actions, ordered by phase.
  std::vector<Action> take();

 private:
  std::vector<std::pair<Phase, Action>> items_;
};

struct Plan {
  std::string lab;
  std::vector<Action> actions;
  std::vector<std::string> experiments;  // one line each, in declaration order
};

// "latlab-agent:0.1.0": the image of latlab's agent alone, FROM scratch.
std::string agent_image_ref();

// Each node and link kind's actions plus every interface's settings, in
// phase order, for the part of the lab on one host (this machine's by
// default; the whole lab when it has no hosts). Kinds the topology engine
// does not build add nothing (validate refuses them; the executor too).
Plan make_plan(const scenario::Lab& lab, const std::string& host = scenario::kLocalHost);

// One experiment as `latlab plan` prints it.
std::string experiment_line(const scenario::Experiment& e);
// "create veth a:eth0 <-> b:eth0", as `latlab plan` prints it.
std::string describe(const Action& action);
// The action's verb ("create-veth") and its fields, for `latlab plan --json`.
nlohmann::json to_json(const Action& action);
nlohmann::json to_json(const Plan& plan);
// The node an action runs in.
const std::string& node_of(const Action& action);

}  // namespace latlab::topology
