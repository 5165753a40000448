// The topology side of the node, link and qdisc kinds: the plan actions a
// kind adds, where a node's network namespace is and how to enter it, and
// how a qdisc is described and configured through netlink.
//
// One file per kind (<family>_<kind>.cpp in this directory) returning its
// descriptor; kinds.cpp lists them once per family. The scenario side of the
// same kinds is scenario/kinds.h, the run side run/kinds.h.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "scenario/model.h"
#include "topology/plan.h"
#include "util/result.h"

struct rtnl_qdisc;

namespace latlab::topology {

struct NodeKind {
  std::string name;
  // The namespace the node's objects live in, by its /run/netns name ("" =
  // latlab's own, the root namespace).
  std::string (*netns_of)(const scenario::Node& node, const std::string& lab) = nullptr;
  // What builds the node: its namespace and loopback.
  void (*plan)(const scenario::Lab& lab, const scenario::Node& node, PlanBuilder& plan) = nullptr;
};

struct LinkKind {
  std::string name;
  // What builds link `index` of the lab: its devices, bridge ports and their
  // going up. Settings, addresses and qdiscs of its interfaces are added for
  // every kind alike.
  void (*plan)(const scenario::Lab& lab, size_t index, PlanBuilder& plan) = nullptr;
};

struct QdiscKind {
  std::string name;
  std::string kernel_config;  // "CONFIG_NET_SCH_TBF": what a kernel without it lacks
  // "tbf rate 1000000bit burst 32768b latency 50ms", as `latlab plan` prints it.
  std::string (*describe)(const scenario::QdiscSpec& q) = nullptr;
  // Its parameters for `latlab plan --json`.
  void (*to_json)(const scenario::QdiscSpec& q, nlohmann::json& out) = nullptr;
  // Sets its parameters on a libnl qdisc of this kind; what names the action.
  Status (*configure)(rtnl_qdisc* qdisc, const scenario::QdiscSpec& q, const std::string& what) = nullptr;
};

const std::vector<NodeKind>& node_kinds();
const std::vector<LinkKind>& link_kinds();
const std::vector<QdiscKind>& qdisc_kinds();

// The kind, or an error "node kind "docker" is not supported by the topology
// engine; supported kinds are host, netns" (exit code 3).
Result<const NodeKind*> node_kind(const scenario::Node& node);
Result<const LinkKind*> link_kind(const scenario::Link& link);
Result<const QdiscKind*> qdisc_kind(const scenario::QdiscSpec& q);

// The namespace of a node (its /run/netns name, "" = root), or that error.
Result<std::string> node_netns(const scenario::Node& node, const std::string& lab);
// The path that enters a node's namespace ("/run/netns/latlab-demo-a"), ""
// for the root namespace.
std::string netns_path(const scenario::Node& node);

const NodeKind& host_node_kind();
const NodeKind& netns_node_kind();
const NodeKind& docker_node_kind();
const LinkKind& veth_link_kind();
const LinkKind& bridge_link_kind();
const LinkKind& phys_link_kind();
const LinkKind& docker_network_link_kind();
const LinkKind& vxlan_link_kind();
const QdiscKind& tbf_qdisc_kind();
const QdiscKind& netem_qdisc_kind();

}  // namespace latlab::topology
