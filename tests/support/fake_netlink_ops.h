// A recording NetlinkOps for unit tests: an in-memory model of namespaces and
// interfaces, a log of every call ("create_veth a:eth0 b:eth0"), and failure
// injection by call prefix.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "topology/netlink_ops.h"

namespace latlab::topology {

class FakeNetlinkOps final : public NetlinkOps {
 public:
  struct Link {
    LinkState state;
    std::string peer_ns, peer;  // veth
  };
  struct Space {
    std::map<std::string, Link> links;
    std::vector<std::pair<std::string, scenario::Prefix>> addrs;
    std::map<std::string, std::string> sysctls;
  };

  FakeNetlinkOps();

  std::vector<std::string> log;  // every call, in order
  // Any call whose log line starts with this prefix fails with errno.
  std::map<std::string, int> fail;
  // Called for every log line (tests interleave other events, e.g. journal writes).
  std::function<void(const std::string&)> on_call;
  std::map<std::string, Space> spaces;  // "" = host
  std::vector<FwRule> fw_rules;

  bool has_link(const Ns& ns, const std::string& name) const;

  Status create_netns(const Ns& ns, const std::string& mark) override;
  Status delete_netns(const Ns& ns) override;
  Status link_netns(const Ns& ns, const std::string& target, const std::string& mark) override;
  Result<std::vector<std::string>> list_netns() override;
  Result<std::string> netns_mark(const Ns& ns) override;
  Status create_bridge(const Ns& ns, const std::string& name, const scenario::MacAddr& mac) override;
  Status create_veth(const Ns& ns, const std::string& name, const scenario::MacAddr& mac, const Ns& peer_ns,
                     const std::string& peer_name, const scenario::MacAddr& peer_mac) override;
  Status create_macvlan(const Ns& ns, const std::string& name, const scenario::MacAddr& mac,
                        const std::string& parent, const std::string& mode) override;
  Status create_vxlan(const Ns& ns, const VxlanSpec& v) override;
  Status set_alias(const Ns& ns, const std::string& name, const std::string& alias) override;
  Status delete_link(const Ns& ns, const std::string& name) override;
  Result<std::vector<LinkState>> list_links(const Ns& ns) override;
  Status set_master(const Ns& ns, const std::string& name, const std::string& master) override;
  Status set_link_attrs(const Ns& ns, const std::string& name, std::optional<uint32_t> mtu,
                        std::optional<uint32_t> txqueuelen, std::optional<scenario::MacAddr> mac) override;
  Status set_up(const Ns& ns, const std::string& name, bool up) override;
  Status move_link(const Ns& ns, const std::string& name, const Ns& to, const std::string& new_name) override;
  Status set_bridge_netfilter(const Ns& ns, const std::string& bridge, bool on) override;
  Status add_address(const Ns& ns, const std::string& dev, const scenario::Prefix& p) override;
  Result<std::vector<AddrState>> list_addresses(const Ns& ns) override;
  Status add_route(const Ns& ns, const scenario::Route& r) override;
  Status delete_route(const Ns& ns, const scenario::Route& r) override;
  Result<std::vector<RouteState>> list_routes(const Ns& ns) override;
  Status add_neighbor(const Ns& ns, const scenario::Neighbor& n) override;
  Status delete_neighbor(const Ns& ns, const scenario::Neighbor& n) override;
  Status set_qdisc(const Ns& ns, const std::string& dev, const scenario::QdiscSpec& q) override;
  Status set_offloads(const Ns& ns, const std::string& dev, const scenario::Offloads& o) override;
  RulesPending start_add_bridge_accept_rules(const std::vector<FwRule>& rules) override;
  RulesPending start_delete_bridge_accept_rules(const std::vector<FwRule>& rules) override;
  Result<std::vector<FwRule>> list_bridge_accept_rules() override;

  Result<std::string> read_sysctl(const Ns& ns, const std::string& name) override;
  Status write_sysctl(const Ns& ns, const std::string& name, const std::string& value) override;

 private:
  Status add_space(const Ns& ns, const std::string& mark, const std::string& what);
  Status call(const std::string& line);
  Result<Space*> space(const Ns& ns);
  Result<Link*> link(const Ns& ns, const std::string& name);
  int next_ifindex_ = 100;
};

}  // namespace latlab::topology
