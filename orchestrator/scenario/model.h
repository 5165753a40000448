// The resolved lab model: what a scenario declares, with defaults applied and
// every address assigned. Produced by resolve() from a parsed Scenario; read by
// validate, plan, the topology engine and the run pipeline. Passive data only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/net_types.h"

namespace latlab::scenario {

// Repetitions of each experiment when a scenario does not say: reports give a
// verdict only over at least 3.
inline constexpr uint32_t kDefaultRepeat = 10;
// The smallest relative effect a verdict reports when a scenario does not say
// ("min_effect": "5%"), as a fraction.
inline constexpr double kDefaultMinEffect = 0.05;
// SO_BUSY_POLL microseconds for "wait": "busy_poll" when options.busy_poll is not set.
inline constexpr uint32_t kDefaultBusyPollUs = 50;

// Where a value came from in the scenario file (for error messages).
struct SourceRef {
  std::string pointer;  // JSON pointer, e.g. "/links/2/endpoints/1"
  int line = 0;
  int col = 0;
};

// Positions of an object's fields ("to", "addresses/1", ...), for messages
// about one value of it.
using FieldRefs = std::map<std::string, SourceRef>;

struct Route {
  std::optional<Prefix> to;  // nullopt = default route (family from via)
  int family = 4;
  std::optional<IpAddr> via;
  std::string dev;  // interface name in the same node, may be empty
  std::optional<uint32_t> metric;
  SourceRef src;
  FieldRefs fields;
};

struct Neighbor {
  IpAddr ip;
  MacAddr mac;
  std::string dev;
  SourceRef src;
  FieldRefs fields;
};

struct Sysctl {
  std::string name;  // dotted: net.ipv4.ip_forward
  std::string value;
  bool global = false;  // not per network namespace: changes the whole machine
  SourceRef src;
};

// A machine the lab spans, reached over OpenSSH. The controller's own
// machine is the host "local", which is never declared.
inline constexpr const char* kLocalHost = "local";
struct Host {
  std::string name;
  std::string address;   // what ssh connects to: an address or a name
  std::string user;      // "" = ssh's choice
  uint16_t port = 22;
  std::string identity;  // an identity file; "" = ssh's own keys and agent
  std::string jump;      // an OpenSSH ProxyJump string; "" = none
  SourceRef src;
  FieldRefs fields;
};

struct Node {
  std::string name;
  std::string kind;             // a node kind (scenario/kinds.h)
  std::string host = kLocalHost;  // the machine it lives on (a Host's name, or "local")
  std::string netns_name;       // "latlab-<lab>-<node>" for netns; "" for host
  std::vector<Sysctl> sysctls;  // user's, plus lab defaults for netns nodes
  bool allow_global_sysctls = false;
  std::string cpus;  // cpu list for agents in this node ("" = any)
  std::vector<Route> routes;
  std::vector<Neighbor> neighbors;
  // docker only: the image, the container's Docker network at creation
  // ("bridge" = docker0, "none", or a docker-network link's name), and how
  // agents run in it: exec inside the container (its cgroup and seccomp
  // apply) or from the host through setns (the network path alone).
  std::string image;
  std::string docker_network;
  bool agent_setns = false;
  bool agent_exec = false;  // its agents are exec'd inside the container (docker, "agent": "exec")
  SourceRef network_src;  // where "network" is (the node's when absent)
  bool root_namespace = false;  // this machine's root namespace (its kind says)
  SourceRef src;
};

struct TbfSpec {
  uint64_t rate_bps = 0;
  uint32_t burst_bytes = 0;
  uint64_t latency_ns = 0;
};

struct NetemSpec {
  uint64_t delay_ns = 0;
  uint64_t jitter_ns = 0;
  double loss_pct = 0;
  uint32_t limit = 1000;
};

struct QdiscSpec {
  std::string kind;  // a qdisc kind (scenario/kinds.h)
  TbfSpec tbf;
  NetemSpec netem;
  SourceRef src;
};

struct Offloads {
  std::optional<bool> tx_checksum;
  std::optional<bool> tso;
  std::optional<bool> gso;
  std::optional<bool> gro;
  bool any() const { return tx_checksum || tso || gso || gro; }
};

// Settings common to every interface latlab creates or takes over.
struct LinkSettings {
  std::optional<uint32_t> mtu;
  std::optional<uint32_t> txqueuelen;
  std::optional<MacAddr> mac;
  std::optional<QdiscSpec> qdisc;
  Offloads offloads;
};

enum class IfRole {
  veth,           // one end of a point-to-point veth pair
  bridge,         // the bridge device itself
  bridge_port,    // the bridge-side end of a member's veth pair
  bridge_member,  // the node-side end of a member's veth pair
  phys_moved,     // an existing device moved into the node
  macvlan,        // a macvlan on top of an existing device
  container,      // a container's interface on a Docker network (the engine makes it)
  vxlan,          // one end of a VXLAN tunnel over an underlay interface of its node
  docker_bridge,  // a Docker network's bridge in the root namespace (the engine makes it)
};

// Interfaces the container engine creates and addresses: latlab neither
// builds nor configures them.
inline bool engine_made(IfRole r) { return r == IfRole::container || r == IfRole::docker_bridge; }

// One network interface in one node, created (or taken over) by the lab.
struct Interface {
  std::string node;
  std::string name;  // kernel name inside the node, <= 15 bytes
  IfRole role = IfRole::veth;
  std::vector<Prefix> addresses;  // explicit or auto-assigned
  bool auto_addressed = false;
  bool addresses_declared = false;  // the scenario has an "addresses" key for it
  bool engine_addressed = false;    // the engine picks its address at `up` (docker0)
  LinkSettings settings;
  std::string peer;          // "node:ifname" of the veth peer ("" otherwise)
  std::string master;        // bridge name in the same node, for bridge ports
  std::string parent;        // existing host device for phys_moved / macvlan
  bool allow_uplink = false;  // phys_moved: the scenario knows parent may be how the machine is reached
  std::string macvlan_mode;  // "bridge" | "private" | "vepa" | "passthru"
  // vxlan: the interface of the same node the tunnel runs over, and the
  // underlay addresses of this end and the other (set once addresses are
  // assigned).
  std::string underlay;
  std::optional<IpAddr> vxlan_local, vxlan_remote;
  size_t link = 0;           // index into Lab::links
  SourceRef src;
  FieldRefs fields;

  std::string id() const { return node + ":" + name; }
};

struct Link {
  std::string kind;                     // a link kind (scenario/kinds.h)
  std::vector<std::string> interfaces;  // ids ("node:ifname") this link created
  std::string segment;                  // L2 segment id: interfaces sharing it are one broadcast domain
  bool static_neighbors = false;
  // docker-network: the Docker network's name ("bridge" for docker0, which
  // latlab uses but never creates or changes), its subnet and Linux bridge,
  // and whether marked DOCKER-USER ACCEPT rules let routed traffic past
  // Docker's FORWARD DROP policy.
  std::string name;         // docker-network: its name in the scenario
  std::string docker_name;  // ...and in Docker ("latlab-<lab>-<name>")
  size_t members_attached = 0;
  std::optional<Prefix> subnet;
  std::string bridge;
  bool docker_default = false;
  bool forward = false;
  // vxlan: the VXLAN network identifier and the underlay's UDP port.
  uint32_t vni = 0;
  uint16_t port = 0;
  SourceRef src;
  FieldRefs fields;
};

struct CaptureSpec {
  std::string kind;                     // a capture kind (scenario/kinds.h)
  std::vector<std::string> interfaces;  // tcpdump: "node:ifname" (default: egress)
  bool required = false;
  bool ftrace_function = false;  // trace: add the function tracer on the send path
  SourceRef src;
  FieldRefs fields;
};

struct ResponderSpec {
  std::string kind;  // a responder kind (scenario/kinds.h)
  std::string node;
  std::string interface;          // raw: device the responder binds
  std::optional<IpAddr> address;  // raw: address it answers for
  std::optional<int> cpu;
  uint32_t port = 7;
  uint32_t drop_every = 0;
  std::string wait = "block";  // how it waits for a request: see Experiment::wait
  uint64_t delay_ns = 0;       // busy-wait before each reply
  SourceRef src;               // the responder object (the experiment's when absent)
  FieldRefs fields;
};

struct ProbeOptions {
  std::optional<bool> qdisc_bypass;
  std::optional<uint32_t> fanout;
  std::optional<uint32_t> ring_blocks;
  std::optional<uint32_t> ring_block_size;
  std::optional<uint32_t> busy_poll_us;
  std::optional<uint32_t> priority;
  bool realtime = false;
};

enum class TargetKind { interface, node, localhost, self, address };
// What a probe's path crosses: a link to another node, the node's own
// address, or loopback.
enum class PathKind { peer, self, localhost };
// "peer" | "self" | "localhost", as stored and printed.
const char* path_kind_name(PathKind k);

// Limits of "pairs" and "load".
inline constexpr uint32_t kMaxPairs = 256;
inline constexpr uint32_t kMaxLoadStreams = 128;  // iperf3's own limit for -P
inline constexpr size_t kMaxLoads = 16;
// iperf3 servers listen on kLoadBasePort + the load's index.
inline constexpr uint32_t kLoadBasePort = 5201;

// Background traffic while an experiment measures: iperf3 from one lab node
// to another, started before the warm-up and stopped after the last probe.
struct LoadSpec {
  std::string kind;  // a load kind (scenario/kinds.h)
  std::string from_node;
  std::string to_text;  // as written: "node" or "node:ifname"
  std::string to_node;
  std::string to_interface;
  IpAddr target;
  std::string egress;  // "node:ifname" the load leaves by (its qdisc's backlog is watched)
  uint32_t streams = 1;
  std::optional<uint64_t> bandwidth_bps;  // all streams together; nullopt = as fast as it goes
  std::optional<uint32_t> payload;        // bytes a write
  std::vector<int> cpus;                  // where iperf3 runs; empty = the CPUs the probes leave free
  std::string congestion;                 // TCP congestion control (iperf3 -C); empty = the node's default
  uint32_t port = kLoadBasePort;
  SourceRef src;
  FieldRefs fields;
};

// One of the probes an experiment runs at once ("pairs"); the first is the
// experiment's own from and to.
struct ProbePair {
  std::string from_node;
  std::string from_interface;
  std::string to_text;
  std::string to_node;
  IpAddr target;
  std::string egress;
  PathKind path_kind = PathKind::peer;
  std::string responder_node;  // where its responder runs ("" = the kernel answers)
  SourceRef src;
  FieldRefs fields;
};

struct Experiment {
  std::string name;
  std::string probe;  // a probe kind (scenario/kinds.h)
  std::string from_node;
  std::string from_interface;  // "" = kernel picks the egress
  std::string to_text;         // as written
  TargetKind to_kind = TargetKind::node;
  std::string to_node;  // node owning the target address ("" for localhost)
  std::string to_interface;
  IpAddr target;       // resolved destination address
  std::string egress;  // "node:ifname" the probe leaves by ("lo" for local)
  PathKind path_kind = PathKind::peer;
  // The target's address is the engine's (docker0): known after `up`, when
  // the run fills it in (scenario::bind_engine_addresses).
  bool target_late = false;
  int family = 4;
  std::optional<uint64_t> count;
  std::optional<uint64_t> duration_ns;
  uint64_t interval_ns = 10'000'000;
  uint32_t payload = 56;
  uint32_t warmup = 5;  // sent before the `count` measured requests, flagged in the store
  uint64_t timeout_ns = 1'000'000'000;
  // How the probe waits for a reply: "block" (blocking reads), "spin"
  // (non-blocking reads in a loop) or "busy_poll" (SO_BUSY_POLL).
  std::string wait = "block";
  double min_effect = kDefaultMinEffect;  // fraction; the scenario's unless the experiment sets it
  std::optional<int> cpu;
  ResponderSpec responder;
  ProbeOptions options;
  std::vector<CaptureSpec> captures;
  std::map<std::string, std::vector<Sysctl>> sysctls;  // node -> sysctls for this experiment
  std::vector<LoadSpec> load;
  // The probes it runs at once: at least one after resolve; pairs[0] is the
  // experiment's own from and to. pair_count and pair_texts are what the
  // scenario said ("pairs": N, or a list of from/to).
  std::vector<ProbePair> pairs;
  uint32_t pair_count = 1;
  std::vector<ProbePair> pair_texts;
  std::string idle;  // the experiment to show as its idle reference ("" = found by the report)
  SourceRef src;
  FieldRefs fields;
};

struct AddressPools {
  std::optional<Prefix> ipv4;
  std::optional<Prefix> ipv6;
};

struct Lab {
  int version = 1;
  std::string name;
  std::string description;
  AddressPools pools;
  // Addresses outside the benchmarking ranges on what the lab creates (they
  // may shadow a real network of the machine): refused unless this is set.
  bool allow_any_addresses = false;
  std::vector<Host> hosts;  // the other machines; empty = a lab on this machine alone
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::vector<Interface> interfaces;
  std::vector<Experiment> experiments;
  uint32_t repeat = kDefaultRepeat;
  double min_effect = kDefaultMinEffect;  // fraction: 0.05 for "5%"
  std::string order = "shuffled";         // "shuffled" | "interleaved" | "sequential"
  std::optional<uint64_t> seed;

  const Node* find_node(const std::string& name) const;
  const Host* find_host(const std::string& name) const;
  // The host a node lives on ("local" for a node that is not declared).
  const std::string& host_of(const std::string& node) const;
  const Interface* find_interface(const std::string& node, const std::string& name) const;
  std::vector<const Interface*> interfaces_of(const std::string& node) const;
};

// The part of a lab on one host: its nodes and their interfaces (links keep
// their indices; experiments between two of its nodes). The whole lab when it
// has no hosts.
Lab part_of(const Lab& lab, const std::string& host);
// The hosts with nodes, "local" first when it has any.
std::vector<std::string> hosts_in_use(const Lab& lab);

// "latlab-<lab>-<node>"
std::string netns_name_for(const std::string& lab, const std::string& node);
// The mark every kernel object of the lab carries: "latlab:<lab>".
std::string ownership_mark(const std::string& lab);
// The position of one field of an object, or the object's own when absent.
SourceRef field_ref(const SourceRef& object, const FieldRefs& fields, const std::string& key);
// The error for an address or prefix a lab would create outside 198.18.0.0/15
// and 2001:2::/48 without "allow_any_addresses".
std::string outside_benchmarking(const std::string& text);
bool in_benchmarking_ranges(const IpAddr& a);

}  // namespace latlab::scenario
