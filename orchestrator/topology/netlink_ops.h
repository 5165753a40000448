// NetlinkOps: every place the topology engine touches the kernel. One real
// implementation (libnl-route-3 + plain syscalls: real_netlink_ops.h) and one
// recording fake for unit tests (tests/support/fake_netlink_ops.h, in the test
// support library: never linked into latlab).
//
// Namespaces are named by their /run/netns name; "" is the namespace latlab
// itself runs in (the host node). Besides netlink this boundary also covers
// the two non-netlink kernel interfaces a lab needs per namespace: sysctls
// (/proc/sys, opened while switched into the namespace) and offloads (the
// ethtool ioctl on a socket of the namespace).
//
// Errors name the object and carry the kernel's reason, e.g.
//   add address 198.18.0.2/24 to "eth0": File exists (EEXIST)
// Callers add "lab"/"node" context.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scenario/model.h"
#include "util/result.h"

namespace latlab::topology {

using Ns = std::string;

struct LinkState {
  int ifindex = 0;
  std::string name;
  std::string kind;   // "veth", "bridge", "macvlan", "" (physical / loopback)
  std::string alias;  // IFLA_IFALIAS: the ownership mark "latlab:<lab>" when ours
  std::optional<scenario::MacAddr> mac;
  uint32_t mtu = 0;
  uint32_t txqueuelen = 0;
  bool up = false;        // IFF_UP
  bool lower_up = false;  // IFF_LOWER_UP
  std::string operstate;
  int master = 0;  // ifindex of the bridge, 0 = none
  std::string qdisc;
  uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_dropped = 0, tx_dropped = 0, rx_errors = 0, tx_errors = 0;
  // bridges only: IFLA_BR_NF_CALL_*
  bool bridge = false;  // the kernel reported bridge attributes for it
  std::optional<bool> nf_call_iptables, nf_call_ip6tables, nf_call_arptables;
};

struct AddrState {
  int ifindex = 0;
  scenario::Prefix prefix;
  int scope = 0;  // RT_SCOPE_*
  bool permanent = true;
};

struct RouteState {
  std::optional<scenario::Prefix> dst;  // nullopt = default
  int family = 4;
  std::optional<scenario::IpAddr> via;
  int oif = 0;
  uint32_t metric = 0;
  std::string type;   // "unicast", "local", ...
  std::string proto;  // "kernel", "static", ...
  std::string scope;
};

struct VxlanSpec {
  std::string name;
  scenario::MacAddr mac;
  uint32_t vni = 0;
  uint16_t port = 0;  // the underlay's UDP port
  scenario::IpAddr local, remote;  // the underlay's: the node's routes pick the device
};

class NetlinkOps {
 public:
  virtual ~NetlinkOps() = default;

  // Namespaces. create_netns also marks the namespace: its loopback device gets
  // the alias `mark`, so a namespace found without its journal can be proven ours.
  virtual Status create_netns(const Ns& ns, const std::string& mark) = 0;
  virtual Status delete_netns(const Ns& ns) = 0;
  // Names a namespace someone else made (a container's /proc/<pid>/ns/net) as
  // ns: a symbolic link under /run/netns, as containerlab does, and marks it
  // like create_netns. delete_netns removes the link (the namespace stays
  // its owner's).
  virtual Status link_netns(const Ns& ns, const std::string& target, const std::string& mark) = 0;
  // Several at once (the real one overlaps the umounts' RCU grace periods on a
  // few threads); one status per namespace, in order.
  virtual std::vector<Status> delete_netns_many(const std::vector<Ns>& names) {
    std::vector<Status> out;
    for (const auto& n : names) out.push_back(delete_netns(n));
    return out;
  }
  virtual Result<std::vector<std::string>> list_netns() = 0;
  // The loopback alias of the namespace ("" when unmarked).
  virtual Result<std::string> netns_mark(const Ns& ns) = 0;

  // Links. `mac` is set at creation (a random locally administered address
  // journalled beforehand: it proves an unmarked object ours after a crash
  // between create and mark).
  virtual Status create_bridge(const Ns& ns, const std::string& name, const scenario::MacAddr& mac) = 0;
  virtual Status create_veth(const Ns& ns, const std::string& name, const scenario::MacAddr& mac,
                             const Ns& peer_ns, const std::string& peer_name,
                             const scenario::MacAddr& peer_mac) = 0;
  // parent is a device of the host namespace.
  virtual Status create_macvlan(const Ns& ns, const std::string& name, const scenario::MacAddr& mac,
                                const std::string& parent, const std::string& mode) = 0;
  // A vxlan device created inside ns (its underlay is in ns too).
  virtual Status create_vxlan(const Ns& ns, const VxlanSpec& v) = 0;
  virtual Status set_alias(const Ns& ns, const std::string& name, const std::string& alias) = 0;
  virtual Status delete_link(const Ns& ns, const std::string& name) = 0;
  virtual Result<std::vector<LinkState>> list_links(const Ns& ns) = 0;
  virtual Status set_master(const Ns& ns, const std::string& name, const std::string& master) = 0;
  virtual Status set_link_attrs(const Ns& ns, const std::string& name, std::optional<uint32_t> mtu,
                                std::optional<uint32_t> txqueuelen, std::optional<scenario::MacAddr> mac) = 0;
  virtual Status set_up(const Ns& ns, const std::string& name, bool up) = 0;
  // Moves a device to another namespace, renaming it on the way.
  virtual Status move_link(const Ns& ns, const std::string& name, const Ns& to,
                           const std::string& new_name) = 0;
  virtual Status set_bridge_netfilter(const Ns& ns, const std::string& bridge, bool on) = 0;

  // Addresses, routes, neighbours.
  virtual Status add_address(const Ns& ns, const std::string& dev, const scenario::Prefix& p) = 0;
  virtual Result<std::vector<AddrState>> list_addresses(const Ns& ns) = 0;
  virtual Status add_route(const Ns& ns, const scenario::Route& r) = 0;
  virtual Status delete_route(const Ns& ns, const scenario::Route& r) = 0;
  virtual Result<std::vector<RouteState>> list_routes(const Ns& ns) = 0;
  virtual Status add_neighbor(const Ns& ns, const scenario::Neighbor& n) = 0;
  virtual Status delete_neighbor(const Ns& ns, const scenario::Neighbor& n) = 0;

  // Queueing disciplines (root qdisc of the device) and offloads.
  virtual Status set_qdisc(const Ns& ns, const std::string& dev, const scenario::QdiscSpec& q) = 0;
  virtual Status set_offloads(const Ns& ns, const std::string& dev, const scenario::Offloads& o) = 0;

  // Host firewall, for a bridge in the host namespace only: the kernel ORs the
  // per-bridge nf_call_iptables switch with the namespace-wide
  // net.bridge.bridge-nf-call-iptables, so where that is 1 (Docker hosts)
  // traffic between the bridge's ports still meets the iptables FORWARD
  // policy. latlab then inserts one ACCEPT rule for in=out=bridge, commented
  // with the lab's mark, and deletes it at teardown. family: 4 or 6.
  // A DOCKER-USER rule of a docker-network is one direction (dir 'i': -i
  // bridge, 'o': -o bridge); a host bridge's FORWARD rule is both ('b').
  struct FwRule {
    int family = 4;
    std::string bridge;
    std::string mark;
    std::string chain = "FORWARD";
    char dir = 'b';
    bool operator==(const FwRule&) const = default;
  };
  // Starts applying the rules and returns the function that waits for them:
  // one status per rule, in order (deleting an absent rule is ENOENT). The
  // real implementation runs iptables/ip6tables as child processes (~15 ms
  // each here), so the caller keeps building meanwhile. Call it exactly once.
  using RulesPending = std::function<std::vector<Status>()>;
  virtual RulesPending start_add_bridge_accept_rules(const std::vector<FwRule>& rules) = 0;
  virtual RulesPending start_delete_bridge_accept_rules(const std::vector<FwRule>& rules) = 0;
  std::vector<Status> add_bridge_accept_rules(const std::vector<FwRule>& rules) {
    return start_add_bridge_accept_rules(rules)();
  }
  std::vector<Status> delete_bridge_accept_rules(const std::vector<FwRule>& rules) {
    return start_delete_bridge_accept_rules(rules)();
  }
  // Rules in FORWARD and DOCKER-USER whose comment starts with "latlab:".
  virtual Result<std::vector<FwRule>> list_bridge_accept_rules() = 0;

  // Sysctls by dotted name ("net.ipv4.icmp_ratelimit"), read and written in ns.
  virtual Result<std::string> read_sysctl(const Ns& ns, const std::string& name) = 0;
  virtual Status write_sysctl(const Ns& ns, const std::string& name, const std::string& value) = 0;
  // Several sysctls of one namespace at once (one namespace switch); stops at
  // the first failure, whose error names the sysctl.
  virtual Status write_sysctls(const Ns& ns, const std::vector<std::pair<std::string, std::string>>& kv) {
    for (const auto& [k, v] : kv) LATLAB_TRY(write_sysctl(ns, k, v));
    return Ok{};
  }
};

// "File exists"-style errno of an error, for callers that tolerate some.
inline bool is_errno(const Error& e, int err) { return e.sys_errno() == err; }

}  // namespace latlab::topology
