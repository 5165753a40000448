// The scenario side of every kind a scenario names: node, link, qdisc,
// probe, responder and capture kinds.
//
// A kind is one file per layer. Here (scenario/) it is <family>_<kind>.cpp:
// the keys only that kind takes, how it parses them and the validation rules
// particular to it, as one descriptor returned by <kind>_<family>_kind().
// kinds.cpp lists the descriptors, once per family; nothing outside the
// kinds' own files compares a kind name. The topology side is
// topology/node_kinds.h etc., the run side run/probe_kinds.h etc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/diag.h"
#include "scenario/json_pos.h"
#include "scenario/model.h"

namespace latlab::scenario {

struct ParseCtx;
class ObjReader;

struct NodeKind {
  std::string name;
  bool implemented = true;        // the topology engine can build it today (validate refuses it otherwise)
  bool own_netns = true;          // gets a network namespace of its own
  bool root_namespace = false;    // is this machine's root namespace (at most one such node)
  bool on_other_hosts = true;     // may live on a lab's other host (latlab builds it there)
  std::vector<std::string> keys;  // node keys only this kind takes ("image")
  // Reads those keys into the node; nullptr when it has none.
  void (*parse)(ParseCtx& ctx, ObjReader& r, Node& node) = nullptr;
  // Runs once every link is parsed (a container joins its Docker network).
  void (*after_links)(ParseCtx& ctx, Node& node) = nullptr;
};

struct LinkKind {
  std::string name;
  std::vector<std::string> keys;  // allowed keys of the link object
  bool one_subnet = true;  // its addresses share one prefix (not so for a device on an outside network)
  bool spans_hosts = false;  // its ends may live on different hosts (a tunnel); else all on one
  // Parses one link object (already checked to be an object with known keys).
  void (*parse)(ParseCtx& ctx, ObjReader& r, size_t link_index) = nullptr;
  // Runs once every address is assigned (a tunnel's underlay addresses); nullptr = nothing.
  void (*resolve)(Diags& d, Lab& lab, size_t link_index) = nullptr;
};

struct QdiscKind {
  std::string name;
  std::vector<std::string> keys;  // qdisc keys only this kind takes
  // Reads them into q; false when one is bad (the error is recorded).
  bool (*parse)(ParseCtx& ctx, ObjReader& r, QdiscSpec& q) = nullptr;
};

struct ProbeKind {
  std::string name;
  std::string default_responder;        // a responder kind
  std::vector<std::string> responders;  // allowed responder kinds
  uint32_t header_bytes_v4 = 28;        // bytes on top of the payload inside the IP MTU
  uint32_t header_bytes_v6 = 48;
  bool needs_device = false;             // sends frames on a device (raw)
  std::vector<std::string> option_keys;  // probe "options" only this kind takes
  // Rules particular to the kind, on the resolved experiment; nullptr = none.
  // Returns false when the experiment is too broken to check further.
  bool (*validate)(Diags& d, const Lab& lab, const Experiment& e) = nullptr;
};

struct ResponderKind {
  std::string name;
  std::string agent_mode;          // the latlab-agent mode that runs it; "" = the target's kernel answers
  std::vector<std::string> waits;  // the wait modes it supports (see wait_modes())
  // Answers for an address of its own on a device (not one the kernel has):
  // the experiment's target becomes that address.
  bool own_address = false;
  bool (*validate)(Diags& d, const Lab& lab, const Experiment& e) = nullptr;
  bool user_space() const { return !agent_mode.empty(); }
};

struct LoadKind {
  std::string name;
  bool needs_bandwidth = false;  // iperf3 paces it at 1 Mbit/s unless told (udp)
  uint32_t max_payload = 0;      // bytes a write
  bool congestion = false;       // takes a TCP congestion control ("congestion", iperf3 -C)
};

struct CaptureKind {
  std::string name;
  bool many_probes = false;  // works for an experiment that runs several probes at once ("pairs")
  std::vector<std::string> keys;  // capture object keys only this kind takes
  void (*parse)(ParseCtx& ctx, ObjReader& r, CaptureSpec& c) = nullptr;
};

// The registries, one list per family (kinds.cpp).
const std::vector<NodeKind>& node_kinds();
const std::vector<LinkKind>& link_kinds();
const std::vector<QdiscKind>& qdisc_kinds();
const std::vector<ProbeKind>& probe_kinds();
const std::vector<ResponderKind>& responder_kinds();
const std::vector<CaptureKind>& capture_kinds();
const std::vector<LoadKind>& load_kinds();
// How an agent waits for a packet: "block", "spin", "busy_poll".
const std::vector<std::string>& wait_modes();

const NodeKind* find_node_kind(const std::string& name);
const LinkKind* find_link_kind(const std::string& name);
const QdiscKind* find_qdisc_kind(const std::string& name);
const ProbeKind* find_probe_kind(const std::string& name);
const ResponderKind* find_responder_kind(const std::string& name);
const CaptureKind* find_capture_kind(const std::string& name);
const LoadKind* find_load_kind(const std::string& name);

template <typename K>
std::vector<std::string> kind_names(const std::vector<K>& kinds) {
  std::vector<std::string> out;
  for (const auto& k : kinds) out.push_back(k.name);
  return out;
}

// Node kinds validate accepts: "host, netns".
std::string implemented_node_kinds();

// Which kind owns which keys, for "\"image\" applies to node kind docker, not netns".
struct KeyOwner {
  std::string kind;
  const std::vector<std::string>* keys;
};
template <typename K>
std::vector<KeyOwner> key_owners(const std::vector<K>& kinds, std::vector<std::string> K::*keys) {
  std::vector<KeyOwner> out;
  for (const auto& k : kinds) out.push_back({k.name, &(k.*keys)});
  return out;
}
// Records that error for each key of r that another kind owns and `kind`
// does not; true when there was one. family: "node", "qdisc", ...
bool reject_keys_of_other_kinds(ObjReader& r, const std::vector<KeyOwner>& owners, const std::string& kind,
                                const std::string& family);

// A link kind's keys plus the interface settings every link takes (mtu,
// txqueuelen, qdisc, offloads).
std::vector<std::string> with_link_settings(std::vector<std::string> keys);

// The descriptors, one per file.
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
const ProbeKind& icmp_probe_kind();
const ProbeKind& udp_probe_kind();
const ProbeKind& raw_probe_kind();
const ResponderKind& kernel_responder_kind();
const ResponderKind& udp_reflector_responder_kind();
const ResponderKind& raw_responder_kind();
const CaptureKind& tcpdump_capture_kind();
const CaptureKind& perf_capture_kind();
const CaptureKind& trace_capture_kind();
const CaptureKind& counters_capture_kind();
const LoadKind& tcp_load_kind();
const LoadKind& udp_load_kind();

}  // namespace latlab::scenario
