// NetlinkOps over libnl-route-3 and plain syscalls. One netlink socket (and one
// ioctl socket) per namespace, opened while the thread is switched into it and
// kept for the life of this object, so no action pays for a namespace switch or
// a cache refill. Not thread-safe: use it from the thread that created it.
#pragma once

#include <memory>
#include <unordered_map>

#include "topology/netlink_ops.h"
#include "topology/nl_socket.h"
#include "util/unique_fd.h"

namespace latlab::topology {

class RealNetlinkOps final : public NetlinkOps {
 public:
  // Binds to the calling thread's current namespace as the host ("").
  static Result<std::unique_ptr<RealNetlinkOps>> create();
  ~RealNetlinkOps() override;

  Status create_netns(const Ns& ns, const std::string& mark) override;
  Status delete_netns(const Ns& ns) override;
  Status link_netns(const Ns& ns, const std::string& target, const std::string& mark) override;
  std::vector<Status> delete_netns_many(const std::vector<Ns>& names) override;
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
  Status write_sysctls(const Ns& ns, const std::vector<std::pair<std::string, std::string>>& kv) override;

 private:
  struct NsCtx {
    NsCtx(UniqueFd f, NlSocket s, UniqueFd i) : ns_fd(std::move(f)), nl(std::move(s)), ioctl(std::move(i)) {}
    UniqueFd ns_fd;
    NlSocket nl;
    UniqueFd ioctl;  // AF_INET datagram socket: SIOCGIFINDEX, SIOCETHTOOL
    std::unordered_map<std::string, int> ifindex;
  };
  explicit RealNetlinkOps(UniqueFd home) : home_(std::move(home)) {}
  Result<NsCtx*> ctx(const Ns& ns);
  Result<std::unique_ptr<NsCtx>> open_here(UniqueFd ns_fd);
  Result<int> ifindex(NsCtx& c, const std::string& name);
  RulesPending run_rules(const std::vector<FwRule>& rules, const char* op);

  UniqueFd home_;
  std::unordered_map<Ns, std::unique_ptr<NsCtx>> ctx_;
  bool run_dir_ready_ = false;
};

}  // namespace latlab::topology
