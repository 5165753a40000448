#include "topology/real_netlink_ops.h"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/route.h>
#include <netlink/route/tc.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstring>
#include <thread>

#include "topology/kinds.h"
#include "process/real_launcher.h"
#include "topology/netns.h"

namespace latlab::topology {

using scenario::IpAddr;
using scenario::MacAddr;
using scenario::Prefix;

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

NlMsg link_msg(int type, int flags, int ifindex) {
  NlMsg m = nl_request(type, flags);
  if (!m) return m;
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = ifindex;
  if (nlmsg_append(m.get(), &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) return NlMsg();
  return m;
}

struct NlAddrDeleter {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrDeleter>;

NlAddrPtr to_nl(const IpAddr& a, int prefixlen) {
  NlAddrPtr p(nl_addr_build(a.family == 4 ? AF_INET : AF_INET6, a.bytes.data(), a.size()));
  if (p) nl_addr_set_prefixlen(p.get(), prefixlen);
  return p;
}

IpAddr from_nl(nl_addr* a) {
  IpAddr out;
  if (a == nullptr) return out;
  int fam = nl_addr_get_family(a);
  size_t len = nl_addr_get_len(a);
  if (fam == AF_INET && len == 4)
    out.family = 4;
  else if (fam == AF_INET6 && len == 16)
    out.family = 6;
  else
    return out;
  std::memcpy(out.bytes.data(), nl_addr_get_binary_addr(a), len);
  return out;
}

struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using NlCache = std::unique_ptr<nl_cache, CacheDeleter>;

template <typename T, void (*Put)(T*)>
struct ObjDeleter {
  void operator()(T* o) const { Put(o); }
};
using RtnlAddr = std::unique_ptr<rtnl_addr, ObjDeleter<rtnl_addr, rtnl_addr_put>>;
using RtnlRoute = std::unique_ptr<rtnl_route, ObjDeleter<rtnl_route, rtnl_route_put>>;
using RtnlNeigh = std::unique_ptr<rtnl_neigh, ObjDeleter<rtnl_neigh, rtnl_neigh_put>>;
// The kernel's IFLA_INFO_KIND of a bridge: its IFLA_INFO_DATA holds IFLA_BR_*.
constexpr std::string_view kernel_bridge_kind = "bridge";
using RtnlQdisc = std::unique_ptr<rtnl_qdisc, ObjDeleter<rtnl_qdisc, rtnl_qdisc_put>>;

const char* operstate_name(uint8_t s) {
  switch (s) {
    case IF_OPER_UP:
      return "up";
    case IF_OPER_DOWN:
      return "down";
    case IF_OPER_LOWERLAYERDOWN:
      return "lowerlayerdown";
    case IF_OPER_DORMANT:
      return "dormant";
    case IF_OPER_NOTPRESENT:
      return "notpresent";
    case IF_OPER_TESTING:
      return "testing";
    default:
      return "unknown";
  }
}

std::string sysctl_path(const std::string& name) {
  std::string p = name;
  if (p.find('/') == std::string::npos) {
    for (char& ch : p) {
      if (ch == '.') ch = '/';
    }
  }
  return "/proc/sys/" + p;
}

Result<std::string> read_file_at(const std::string& path, const std::string& what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno(what, errno);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Error::from_errno(what, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

Status write_file_at(const std::string& path, const std::string& value, const std::string& what) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno(what, errno);
  std::string v = value + "\n";
  ssize_t n = ::write(fd, v.data(), v.size());
  int err = errno;
  ::close(fd);
  if (n < 0) return Error::from_errno(what, err);
  if (static_cast<size_t>(n) != v.size()) return Error(what + ": short write");
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<RealNetlinkOps>> RealNetlinkOps::create() {
  auto home = open_current_netns();
  if (!home) return std::move(home).error();
  std::unique_ptr<RealNetlinkOps> ops(new RealNetlinkOps(std::move(*home)));
  int dup = ::fcntl(ops->home_.get(), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return Error::from_errno("dup namespace fd", errno);
  auto c = ops->open_here(UniqueFd(dup));
  if (!c) return std::move(c).error();
  ops->ctx_.emplace("", std::move(*c));
  return ops;
}

RealNetlinkOps::~RealNetlinkOps() = default;

Result<std::unique_ptr<RealNetlinkOps::NsCtx>> RealNetlinkOps::open_here(UniqueFd ns_fd) {
  auto sock = NlSocket::open();
  if (!sock) return std::move(sock).error();
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::from_errno("open ioctl socket", errno);
  return std::make_unique<NsCtx>(std::move(ns_fd), std::move(*sock), UniqueFd(fd));
}

Result<RealNetlinkOps::NsCtx*> RealNetlinkOps::ctx(const Ns& ns) {
  if (auto it = ctx_.find(ns); it != ctx_.end()) return it->second.get();
  auto fd = open_netns(ns);
  if (!fd) return std::move(fd).error();
  std::unique_ptr<NsCtx> c;
  {
    NsEnter enter(fd->get(), home_.get());
    if (!enter.status()) return enter.status().error().with_context("namespace " + q(ns));
    auto r = open_here(std::move(*fd));
    if (!r) return std::move(r).error().context("namespace " + q(ns));
    c = std::move(*r);
  }
  NsCtx* raw = c.get();
  ctx_.emplace(ns, std::move(c));
  return raw;
}

Result<int> RealNetlinkOps::ifindex(NsCtx& c, const std::string& name) {
  if (auto it = c.ifindex.find(name); it != c.ifindex.end()) return it->second;
  ifreq ifr{};
  if (name.size() >= IFNAMSIZ) return Error("interface name " + q(name) + " is longer than 15 bytes");
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  if (::ioctl(c.ioctl.get(), SIOCGIFINDEX, &ifr) != 0) {
    if (errno == ENODEV) return Error("no interface " + q(name), ENODEV);
    return Error::from_errno("look up interface " + q(name), errno);
  }
  c.ifindex.emplace(name, ifr.ifr_ifindex);
  return ifr.ifr_ifindex;
}

// ---------------------------------------------------------------- namespaces

Status RealNetlinkOps::create_netns(const Ns& ns, const std::string& mark) {
  if (!run_dir_ready_) {
    LATLAB_TRY(prepare_netns_run_dir());
    run_dir_ready_ = true;
  }
  LATLAB_TRY(create_netns_and_enter(ns, home_.get()));
  // The thread is inside the new namespace: open its sockets here, mark it.
  Status st;
  std::unique_ptr<NsCtx> c;
  {
    auto fd = open_current_netns();
    if (!fd) {
      st = std::move(fd).error();
    } else if (auto r = open_here(std::move(*fd)); !r) {
      st = std::move(r).error();
    } else {
      c = std::move(*r);
    }
  }
  if (::setns(home_.get(), CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "latlab: fatal: cannot return to the original namespace\n");
    std::abort();
  }
  if (st.ok() && !mark.empty()) {
    NlMsg m = link_msg(RTM_NEWLINK, 0, 0);
    nla_put_string(m.get(), IFLA_IFNAME, "lo");
    nla_put_string(m.get(), IFLA_IFALIAS, mark.c_str());
    st = c->nl.request(std::move(m), "mark loopback");
  }
  if (!st.ok()) {
    c.reset();
    (void)topology::delete_netns(ns);
    return std::move(st).error().context("create namespace " + q(ns));
  }
  ctx_[ns] = std::move(c);
  return Ok{};
}

Status RealNetlinkOps::link_netns(const Ns& ns, const std::string& target, const std::string& mark) {
  if (!run_dir_ready_) {
    LATLAB_TRY(prepare_netns_run_dir());
    run_dir_ready_ = true;
  }
  const std::string path = topology::netns_path(ns);
  if (::symlink(target.c_str(), path.c_str()) != 0)
    return Error::from_errno("link namespace " + q(ns) + " to " + target, errno);
  auto c = ctx(ns);
  Status st = c ? Status(Ok{}) : Status(std::move(c).error());
  if (st.ok() && !mark.empty()) {
    NlMsg m = link_msg(RTM_NEWLINK, 0, 0);
    nla_put_string(m.get(), IFLA_IFNAME, "lo");
    nla_put_string(m.get(), IFLA_IFALIAS, mark.c_str());
    st = (*c)->nl.request(std::move(m), "mark loopback");
  }
  if (!st.ok()) {
    ctx_.erase(ns);
    (void)::unlink(path.c_str());
    return std::move(st).error().context("link namespace " + q(ns));
  }
  return Ok{};
}

Status RealNetlinkOps::delete_netns(const Ns& ns) {
  ctx_.erase(ns);  // our sockets would keep the namespace alive
  return topology::delete_netns(ns);
}

std::vector<Status> RealNetlinkOps::delete_netns_many(const std::vector<Ns>& names) {
  for (const auto& n : names) ctx_.erase(n);
  std::vector<Status> out(names.size());
  if (names.size() < 16) {
    for (size_t i = 0; i < names.size(); ++i) out[i] = topology::delete_netns(names[i]);
    return out;
  }
  // umount2 + unlink only: no shared state but `out`, one slot per index.
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < names.size(); i = next++) out[i] = topology::delete_netns(names[i]);
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < 3; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return out;
}

Result<std::vector<std::string>> RealNetlinkOps::list_netns() { return topology::list_netns(); }

Result<std::string> RealNetlinkOps::netns_mark(const Ns& ns) {
  auto links = list_links(ns);
  // A namespace file with nothing mounted on it (a crash between creating the
  // file and the bind mount) cannot be entered: unmarked.
  if (!links && links.error().sys_errno() == EINVAL) return std::string();
  if (!links) return std::move(links).error();
  for (const auto& l : *links) {
    if (l.name == "lo") return l.alias;
  }
  return std::string();
}

// ---------------------------------------------------------------- links

Status RealNetlinkOps::create_bridge(const Ns& ns, const std::string& name, const MacAddr& mac) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NlMsg m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  nla_put(m.get(), IFLA_ADDRESS, 6, mac.bytes.data());
  nlattr* info = nla_nest_start(m.get(), IFLA_LINKINFO);
  nla_put_string(m.get(), IFLA_INFO_KIND, "bridge");
  nla_nest_end(m.get(), info);
  return (*c)->nl.request(std::move(m), "create bridge " + q(name));
}

Status RealNetlinkOps::create_veth(const Ns& ns, const std::string& name, const MacAddr& mac,
                                   const Ns& peer_ns, const std::string& peer_name, const MacAddr& peer_mac) {
  const std::string what = "create veth " + q(name) + " (peer " + q(peer_name) + ")";
  auto home = ctx("");
  if (!home) return std::move(home).error();
  int fd = -1, peer_fd = -1;
  if (!ns.empty()) {
    auto c = ctx(ns);
    if (!c) return std::move(c).error().context(what);
    fd = (*c)->ns_fd.get();
  }
  if (!peer_ns.empty()) {
    auto c = ctx(peer_ns);
    if (!c) return std::move(c).error().context(what);
    peer_fd = (*c)->ns_fd.get();
  }
  NlMsg m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  nla_put(m.get(), IFLA_ADDRESS, 6, mac.bytes.data());
  if (fd >= 0) nla_put_u32(m.get(), IFLA_NET_NS_FD, static_cast<uint32_t>(fd));
  nlattr* info = nla_nest_start(m.get(), IFLA_LINKINFO);
  nla_put_string(m.get(), IFLA_INFO_KIND, "veth");
  nlattr* data = nla_nest_start(m.get(), IFLA_INFO_DATA);
  nlattr* peer = nla_nest_start(m.get(), VETH_INFO_PEER);
  ifinfomsg pifi{};
  pifi.ifi_family = AF_UNSPEC;
  nlmsg_append(m.get(), &pifi, sizeof(pifi), NLMSG_ALIGNTO);
  nla_put_string(m.get(), IFLA_IFNAME, peer_name.c_str());
  nla_put(m.get(), IFLA_ADDRESS, 6, peer_mac.bytes.data());
  if (peer_fd >= 0) nla_put_u32(m.get(), IFLA_NET_NS_FD, static_cast<uint32_t>(peer_fd));
  nla_nest_end(m.get(), peer);
  nla_nest_end(m.get(), data);
  nla_nest_end(m.get(), info);
  return (*home)->nl.request(std::move(m), what);
}

Status RealNetlinkOps::create_macvlan(const Ns& ns, const std::string& name, const MacAddr& mac,
                                      const std::string& parent, const std::string& mode) {
  const std::string what = "create macvlan " + q(name) + " on " + q(parent);
  auto home = ctx("");
  if (!home) return std::move(home).error();
  auto pidx = ifindex(**home, parent);
  if (!pidx) return std::move(pidx).error().context(what);
  int fd = -1;
  if (!ns.empty()) {
    auto c = ctx(ns);
    if (!c) return std::move(c).error().context(what);
    fd = (*c)->ns_fd.get();
  }
  uint32_t m_mode = MACVLAN_MODE_BRIDGE;
  if (mode == "private")
    m_mode = MACVLAN_MODE_PRIVATE;
  else if (mode == "vepa")
    m_mode = MACVLAN_MODE_VEPA;
  else if (mode == "passthru")
    m_mode = MACVLAN_MODE_PASSTHRU;
  else if (!mode.empty() && mode != "bridge")
    return Error(what + ": unknown macvlan mode " + q(mode));
  NlMsg m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  nla_put_u32(m.get(), IFLA_LINK, static_cast<uint32_t>(*pidx));
  if (m_mode != MACVLAN_MODE_PASSTHRU) nla_put(m.get(), IFLA_ADDRESS, 6, mac.bytes.data());
  if (fd >= 0) nla_put_u32(m.get(), IFLA_NET_NS_FD, static_cast<uint32_t>(fd));
  nlattr* info = nla_nest_start(m.get(), IFLA_LINKINFO);
  nla_put_string(m.get(), IFLA_INFO_KIND, "macvlan");
  nlattr* data = nla_nest_start(m.get(), IFLA_INFO_DATA);
  nla_put_u32(m.get(), IFLA_MACVLAN_MODE, m_mode);
  nla_nest_end(m.get(), data);
  nla_nest_end(m.get(), info);
  return (*home)->nl.request(std::move(m), what);
}

// Sent from a socket inside ns. No IFLA_VXLAN_LINK: the node's routes pick
// the underlay device (which may be created later in the same phase), and the
// MTU is set with the other attributes. A unicast remote is the one default
// FDB entry, so nothing is learnt.
Status RealNetlinkOps::create_vxlan(const Ns& ns, const VxlanSpec& v) {
  const std::string what = "create vxlan " + q(v.name) + " vni " + std::to_string(v.vni) + " to " + v.remote.str();
  auto c = ctx(ns);
  if (!c) return std::move(c).error().context(what);
  NlMsg m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  nla_put_string(m.get(), IFLA_IFNAME, v.name.c_str());
  nla_put(m.get(), IFLA_ADDRESS, 6, v.mac.bytes.data());
  nlattr* info = nla_nest_start(m.get(), IFLA_LINKINFO);
  nla_put_string(m.get(), IFLA_INFO_KIND, "vxlan");
  nlattr* data = nla_nest_start(m.get(), IFLA_INFO_DATA);
  nla_put_u32(m.get(), IFLA_VXLAN_ID, v.vni);
  if (v.remote.family == 4) {
    nla_put(m.get(), IFLA_VXLAN_GROUP, 4, v.remote.bytes.data());
    nla_put(m.get(), IFLA_VXLAN_LOCAL, 4, v.local.bytes.data());
  } else {
    nla_put(m.get(), IFLA_VXLAN_GROUP6, 16, v.remote.bytes.data());
    nla_put(m.get(), IFLA_VXLAN_LOCAL6, 16, v.local.bytes.data());
  }
  nla_put_u16(m.get(), IFLA_VXLAN_PORT, htons(v.port));
  nla_put_u8(m.get(), IFLA_VXLAN_LEARNING, 0);
  nla_nest_end(m.get(), data);
  nla_nest_end(m.get(), info);
  return (*c)->nl.request(std::move(m), what);
}

Status RealNetlinkOps::set_alias(const Ns& ns, const std::string& name, const std::string& alias) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NlMsg m = link_msg(RTM_NEWLINK, 0, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  nla_put_string(m.get(), IFLA_IFALIAS, alias.c_str());
  return (*c)->nl.request(std::move(m), "mark " + q(name) + " with alias " + q(alias));
}

Status RealNetlinkOps::delete_link(const Ns& ns, const std::string& name) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  (*c)->ifindex.erase(name);
  NlMsg m = link_msg(RTM_DELLINK, 0, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  return (*c)->nl.request(std::move(m), "delete " + q(name));
}

Result<std::vector<LinkState>> RealNetlinkOps::list_links(const Ns& ns) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  std::vector<LinkState> out;
  NlMsg m = link_msg(RTM_GETLINK, NLM_F_DUMP, 0);
  auto on_msg = [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWLINK) return;
    nlattr* tb[IFLA_MAX + 1];
    if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0) return;
    auto* ifi = static_cast<ifinfomsg*>(nlmsg_data(h));
    LinkState l;
    l.ifindex = ifi->ifi_index;
    l.up = (ifi->ifi_flags & IFF_UP) != 0;
    l.lower_up = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
    if (tb[IFLA_IFNAME]) l.name = nla_get_string(tb[IFLA_IFNAME]);
    if (tb[IFLA_IFALIAS]) l.alias = nla_get_string(tb[IFLA_IFALIAS]);
    if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
      MacAddr mac;
      std::memcpy(mac.bytes.data(), nla_data(tb[IFLA_ADDRESS]), 6);
      l.mac = mac;
    }
    if (tb[IFLA_MTU]) l.mtu = nla_get_u32(tb[IFLA_MTU]);
    if (tb[IFLA_TXQLEN]) l.txqueuelen = nla_get_u32(tb[IFLA_TXQLEN]);
    if (tb[IFLA_MASTER]) l.master = static_cast<int>(nla_get_u32(tb[IFLA_MASTER]));
    if (tb[IFLA_QDISC]) l.qdisc = nla_get_string(tb[IFLA_QDISC]);
    if (tb[IFLA_OPERSTATE]) l.operstate = operstate_name(nla_get_u8(tb[IFLA_OPERSTATE]));
    if (tb[IFLA_STATS64] && nla_len(tb[IFLA_STATS64]) >= static_cast<int>(sizeof(rtnl_link_stats64))) {
      rtnl_link_stats64 s{};
      std::memcpy(&s, nla_data(tb[IFLA_STATS64]), sizeof(s));
      l.rx_packets = s.rx_packets;
      l.tx_packets = s.tx_packets;
      l.rx_bytes = s.rx_bytes;
      l.tx_bytes = s.tx_bytes;
      l.rx_dropped = s.rx_dropped;
      l.tx_dropped = s.tx_dropped;
      l.rx_errors = s.rx_errors;
      l.tx_errors = s.tx_errors;
    }
    if (tb[IFLA_LINKINFO]) {
      nlattr* li[IFLA_INFO_MAX + 1];
      if (nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], nullptr) == 0) {
        if (li[IFLA_INFO_KIND]) l.kind = nla_get_string(li[IFLA_INFO_KIND]);
        if (l.kind == kernel_bridge_kind && li[IFLA_INFO_DATA]) {
          nlattr* br[IFLA_BR_MAX + 1];
          if (nla_parse_nested(br, IFLA_BR_MAX, li[IFLA_INFO_DATA], nullptr) == 0) {
            l.bridge = true;
            if (br[IFLA_BR_NF_CALL_IPTABLES])
              l.nf_call_iptables = nla_get_u8(br[IFLA_BR_NF_CALL_IPTABLES]) != 0;
            if (br[IFLA_BR_NF_CALL_IP6TABLES])
              l.nf_call_ip6tables = nla_get_u8(br[IFLA_BR_NF_CALL_IP6TABLES]) != 0;
            if (br[IFLA_BR_NF_CALL_ARPTABLES])
              l.nf_call_arptables = nla_get_u8(br[IFLA_BR_NF_CALL_ARPTABLES]) != 0;
          }
        }
      }
    }
    out.push_back(std::move(l));
  };
  LATLAB_TRY((*c)->nl.dump(std::move(m), on_msg, "list interfaces"));
  return out;
}

Status RealNetlinkOps::set_master(const Ns& ns, const std::string& name, const std::string& master) {
  const std::string what = "attach " + q(name) + " to bridge " + q(master);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  auto midx = ifindex(**c, master);
  if (!midx) return std::move(midx).error().context(what);
  NlMsg m = link_msg(RTM_NEWLINK, 0, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  nla_put_u32(m.get(), IFLA_MASTER, static_cast<uint32_t>(*midx));
  return (*c)->nl.request(std::move(m), what);
}

Status RealNetlinkOps::set_link_attrs(const Ns& ns, const std::string& name, std::optional<uint32_t> mtu,
                                      std::optional<uint32_t> txqueuelen, std::optional<MacAddr> mac) {
  std::string what = "set";
  if (mtu) what += " mtu " + std::to_string(*mtu);
  if (txqueuelen) what += " txqueuelen " + std::to_string(*txqueuelen);
  if (mac) what += " mac " + mac->str();
  what += " on " + q(name);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NlMsg m = link_msg(RTM_NEWLINK, 0, 0);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  if (mtu) nla_put_u32(m.get(), IFLA_MTU, *mtu);
  if (txqueuelen) nla_put_u32(m.get(), IFLA_TXQLEN, *txqueuelen);
  if (mac) nla_put(m.get(), IFLA_ADDRESS, 6, mac->bytes.data());
  return (*c)->nl.request(std::move(m), what);
}

Status RealNetlinkOps::set_up(const Ns& ns, const std::string& name, bool up) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NlMsg m = nl_request(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_flags = up ? IFF_UP : 0;
  ifi.ifi_change = IFF_UP;
  nlmsg_append(m.get(), &ifi, sizeof(ifi), NLMSG_ALIGNTO);
  nla_put_string(m.get(), IFLA_IFNAME, name.c_str());
  return (*c)->nl.request(std::move(m), std::string("set ") + q(name) + (up ? " up" : " down"));
}

Status RealNetlinkOps::move_link(const Ns& ns, const std::string& name, const Ns& to,
                                 const std::string& new_name) {
  const std::string what = "move " + q(name) + " to namespace " +
                           (to.empty() ? std::string("of the host") : q(to)) +
                           (new_name != name ? " as " + q(new_name) : std::string());
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  auto target = ctx(to);
  if (!target) return std::move(target).error().context(what);
  auto idx = ifindex(**c, name);
  if (!idx) return std::move(idx).error().context(what);
  NlMsg m = link_msg(RTM_NEWLINK, 0, *idx);
  nla_put_u32(m.get(), IFLA_NET_NS_FD, static_cast<uint32_t>((*target)->ns_fd.get()));
  nla_put_string(m.get(), IFLA_IFNAME, new_name.c_str());
  (*c)->ifindex.erase(name);
  (*target)->ifindex.erase(new_name);
  return (*c)->nl.request(std::move(m), what);
}

Status RealNetlinkOps::set_bridge_netfilter(const Ns& ns, const std::string& bridge, bool on) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NlMsg m = link_msg(RTM_NEWLINK, 0, 0);
  nla_put_string(m.get(), IFLA_IFNAME, bridge.c_str());
  nlattr* info = nla_nest_start(m.get(), IFLA_LINKINFO);
  nla_put_string(m.get(), IFLA_INFO_KIND, "bridge");
  nlattr* data = nla_nest_start(m.get(), IFLA_INFO_DATA);
  uint8_t v = on ? 1 : 0;
  nla_put_u8(m.get(), IFLA_BR_NF_CALL_IPTABLES, v);
  nla_put_u8(m.get(), IFLA_BR_NF_CALL_IP6TABLES, v);
  nla_put_u8(m.get(), IFLA_BR_NF_CALL_ARPTABLES, v);
  nla_nest_end(m.get(), data);
  nla_nest_end(m.get(), info);
  return (*c)->nl.request(std::move(m),
                          std::string("set bridge netfilter ") + (on ? "on" : "off") + " on " + q(bridge));
}

// ---------------------------------------------------------------- addresses

Status RealNetlinkOps::add_address(const Ns& ns, const std::string& dev, const Prefix& p) {
  const std::string what = "add address " + p.str() + " to " + q(dev);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  auto idx = ifindex(**c, dev);
  if (!idx) return std::move(idx).error().context(what);
  RtnlAddr a(rtnl_addr_alloc());
  NlAddrPtr local = to_nl(p.addr, p.len);
  if (!a || !local) return Error(what + ": out of memory", ENOMEM);
  rtnl_addr_set_ifindex(a.get(), *idx);
  rtnl_addr_set_family(a.get(), p.family() == 4 ? AF_INET : AF_INET6);
  if (int rc = rtnl_addr_set_local(a.get(), local.get()); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  rtnl_addr_set_prefixlen(a.get(), p.len);
  if (p.family() == 6) rtnl_addr_set_flags(a.get(), IFA_F_NODAD);  // usable at once
  nl_msg* raw = nullptr;
  if (int rc = rtnl_addr_build_add_request(a.get(), NLM_F_CREATE | NLM_F_EXCL, &raw); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  return (*c)->nl.request(NlMsg(raw), what);
}

Result<std::vector<AddrState>> RealNetlinkOps::list_addresses(const Ns& ns) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  nl_cache* raw = nullptr;
  if (int rc = rtnl_addr_alloc_cache((*c)->nl.get(), &raw); rc < 0) {
    return (*c)->nl.error_from(rc, "list addresses");
  }
  NlCache cache(raw);
  std::vector<AddrState> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    AddrState s;
    s.ifindex = rtnl_addr_get_ifindex(a);
    s.prefix.addr = from_nl(rtnl_addr_get_local(a));
    s.prefix.len = rtnl_addr_get_prefixlen(a);
    s.scope = rtnl_addr_get_scope(a);
    s.permanent = (rtnl_addr_get_flags(a) & IFA_F_PERMANENT) != 0;
    if (s.prefix.addr.is_set()) out.push_back(s);
  }
  return out;
}

// ---------------------------------------------------------------- routes

namespace {
std::string route_text(const scenario::Route& r) {
  std::string s = r.to ? r.to->str() : std::string("default");
  if (r.via) s += " via " + r.via->str();
  if (!r.dev.empty()) s += " dev " + r.dev;
  if (r.metric) s += " metric " + std::to_string(*r.metric);
  return s;
}
}  // namespace

Status RealNetlinkOps::add_route(const Ns& ns, const scenario::Route& r) {
  const std::string what = "add route " + route_text(r);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  int fam = r.to ? r.to->family() : (r.via ? r.via->family : r.family);
  RtnlRoute rt(rtnl_route_alloc());
  if (!rt) return Error(what + ": out of memory", ENOMEM);
  rtnl_route_set_family(rt.get(), fam == 4 ? AF_INET : AF_INET6);
  rtnl_route_set_table(rt.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(rt.get(), RTPROT_STATIC);
  rtnl_route_set_type(rt.get(), RTN_UNICAST);
  rtnl_route_set_scope(rt.get(), r.via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
  IpAddr zero;
  zero.family = fam;
  NlAddrPtr dst = r.to ? to_nl(r.to->network().addr, r.to->len) : to_nl(zero, 0);
  rtnl_route_set_dst(rt.get(), dst.get());
  if (r.metric) rtnl_route_set_priority(rt.get(), *r.metric);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (nh == nullptr) return Error(what + ": out of memory", ENOMEM);
  if (r.via) {
    NlAddrPtr gw = to_nl(*r.via, r.via->family == 4 ? 32 : 128);
    rtnl_route_nh_set_gateway(nh, gw.get());
  }
  if (!r.dev.empty()) {
    auto idx = ifindex(**c, r.dev);
    if (!idx) {
      rtnl_route_nh_free(nh);
      return std::move(idx).error().context(what);
    }
    rtnl_route_nh_set_ifindex(nh, *idx);
  }
  rtnl_route_add_nexthop(rt.get(), nh);
  nl_msg* raw = nullptr;
  if (int rc = rtnl_route_build_add_request(rt.get(), NLM_F_CREATE | NLM_F_EXCL, &raw); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  return (*c)->nl.request(NlMsg(raw), what);
}

Status RealNetlinkOps::delete_route(const Ns& ns, const scenario::Route& r) {
  const std::string what = "delete route " + route_text(r);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  int fam = r.to ? r.to->family() : (r.via ? r.via->family : r.family);
  RtnlRoute rt(rtnl_route_alloc());
  if (!rt) return Error(what + ": out of memory", ENOMEM);
  rtnl_route_set_family(rt.get(), fam == 4 ? AF_INET : AF_INET6);
  rtnl_route_set_table(rt.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(rt.get(), RTPROT_STATIC);
  rtnl_route_set_scope(rt.get(), RT_SCOPE_NOWHERE);
  IpAddr zero;
  zero.family = fam;
  NlAddrPtr dst = r.to ? to_nl(r.to->network().addr, r.to->len) : to_nl(zero, 0);
  rtnl_route_set_dst(rt.get(), dst.get());
  if (r.metric) rtnl_route_set_priority(rt.get(), *r.metric);
  nl_msg* raw = nullptr;
  if (int rc = rtnl_route_build_del_request(rt.get(), 0, &raw); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  return (*c)->nl.request(NlMsg(raw), what);
}

Result<std::vector<RouteState>> RealNetlinkOps::list_routes(const Ns& ns) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  nl_cache* raw = nullptr;
  if (int rc = rtnl_route_alloc_cache((*c)->nl.get(), AF_UNSPEC, 0, &raw); rc < 0) {
    return (*c)->nl.error_from(rc, "list routes");
  }
  NlCache cache(raw);
  std::vector<RouteState> out;
  char buf[64];
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN) continue;
    RouteState s;
    s.family = rtnl_route_get_family(r) == AF_INET ? 4 : 6;
    nl_addr* dst = rtnl_route_get_dst(r);
    if (dst != nullptr && nl_addr_get_prefixlen(dst) > 0) {
      Prefix p;
      p.addr = from_nl(dst);
      p.len = static_cast<int>(nl_addr_get_prefixlen(dst));
      if (p.addr.is_set()) s.dst = p;
    }
    s.metric = rtnl_route_get_priority(r);
    s.type = nl_rtntype2str(rtnl_route_get_type(r), buf, sizeof(buf));
    s.proto = rtnl_route_proto2str(rtnl_route_get_protocol(r), buf, sizeof(buf));
    s.scope = rtnl_scope2str(rtnl_route_get_scope(r), buf, sizeof(buf));
    if (rtnl_route_get_nnexthops(r) > 0) {
      rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
      s.oif = rtnl_route_nh_get_ifindex(nh);
      if (nl_addr* gw = rtnl_route_nh_get_gateway(nh); gw != nullptr) {
        IpAddr g = from_nl(gw);
        if (g.is_set()) s.via = g;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

// ---------------------------------------------------------------- neighbours

Status RealNetlinkOps::add_neighbor(const Ns& ns, const scenario::Neighbor& n) {
  const std::string what = "add neighbour " + n.ip.str() + " lladdr " + n.mac.str() + " dev " + q(n.dev);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  auto idx = ifindex(**c, n.dev);
  if (!idx) return std::move(idx).error().context(what);
  RtnlNeigh ne(rtnl_neigh_alloc());
  NlAddrPtr dst = to_nl(n.ip, n.ip.family == 4 ? 32 : 128);
  NlAddrPtr ll(nl_addr_build(AF_LLC, n.mac.bytes.data(), 6));
  if (!ne || !dst || !ll) return Error(what + ": out of memory", ENOMEM);
  rtnl_neigh_set_ifindex(ne.get(), *idx);
  rtnl_neigh_set_family(ne.get(), n.ip.family == 4 ? AF_INET : AF_INET6);
  rtnl_neigh_set_dst(ne.get(), dst.get());
  rtnl_neigh_set_lladdr(ne.get(), ll.get());
  rtnl_neigh_set_state(ne.get(), NUD_PERMANENT);
  nl_msg* raw = nullptr;
  if (int rc = rtnl_neigh_build_add_request(ne.get(), NLM_F_CREATE | NLM_F_REPLACE, &raw); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  return (*c)->nl.request(NlMsg(raw), what);
}

Status RealNetlinkOps::delete_neighbor(const Ns& ns, const scenario::Neighbor& n) {
  const std::string what = "delete neighbour " + n.ip.str() + " dev " + q(n.dev);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  auto idx = ifindex(**c, n.dev);
  if (!idx) return std::move(idx).error().context(what);
  RtnlNeigh ne(rtnl_neigh_alloc());
  NlAddrPtr dst = to_nl(n.ip, n.ip.family == 4 ? 32 : 128);
  if (!ne || !dst) return Error(what + ": out of memory", ENOMEM);
  rtnl_neigh_set_ifindex(ne.get(), *idx);
  rtnl_neigh_set_family(ne.get(), n.ip.family == 4 ? AF_INET : AF_INET6);
  rtnl_neigh_set_dst(ne.get(), dst.get());
  nl_msg* raw = nullptr;
  if (int rc = rtnl_neigh_build_delete_request(ne.get(), 0, &raw); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  return (*c)->nl.request(NlMsg(raw), what);
}

// ---------------------------------------------------------------- qdiscs

Status RealNetlinkOps::set_qdisc(const Ns& ns, const std::string& dev, const scenario::QdiscSpec& qs) {
  std::string what = "set qdisc " + qs.kind + " on " + q(dev);
  auto kr = qdisc_kind(qs);
  if (!kr) return std::move(kr).error().context(what);
  const QdiscKind* kind = *kr;
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  auto idx = ifindex(**c, dev);
  if (!idx) return std::move(idx).error().context(what);
  RtnlQdisc qd(rtnl_qdisc_alloc());
  if (!qd) return Error(what + ": out of memory", ENOMEM);
  auto* tc = TC_CAST(qd.get());
  rtnl_tc_set_ifindex(tc, *idx);
  rtnl_tc_set_parent(tc, TC_H_ROOT);
  rtnl_tc_set_handle(tc, TC_HANDLE(1, 0));
  if (int rc = rtnl_tc_set_kind(tc, qs.kind.c_str()); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  if (Status st = kind->configure(qd.get(), qs, what); !st.ok()) return st;
  nl_msg* raw = nullptr;
  if (int rc = rtnl_qdisc_build_add_request(qd.get(), NLM_F_CREATE | NLM_F_REPLACE, &raw); rc < 0) {
    return Error(what + ": " + nl_geterror(rc));
  }
  Status st = (*c)->nl.request(NlMsg(raw), what);
  if (!st.ok() && st.error().sys_errno() == ENOENT) {
    Error e = st.error();
    return Error(e.message() + " (this kernel has no sch_" + qs.kind + ": load module sch_" + qs.kind +
                     " or build with " + kind->kernel_config + ")",
                 ENOENT, ExitCode::environment);
  }
  return st;
}

// ---------------------------------------------------------------- offloads

Status RealNetlinkOps::set_offloads(const Ns& ns, const std::string& dev, const scenario::Offloads& o) {
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  struct One {
    const std::optional<bool>& v;
    uint32_t cmd;
    const char* name;
  };
  const One all[] = {{o.tx_checksum, ETHTOOL_STXCSUM, "tx-checksum"},
                     {o.tso, ETHTOOL_STSO, "tso"},
                     {o.gso, ETHTOOL_SGSO, "gso"},
                     {o.gro, ETHTOOL_SGRO, "gro"}};
  for (const One& one : all) {
    if (!one.v) continue;
    ethtool_value ev{};
    ev.cmd = one.cmd;
    ev.data = *one.v ? 1 : 0;
    ifreq ifr{};
    if (dev.size() >= IFNAMSIZ) return Error("interface name " + q(dev) + " is too long");
    std::memcpy(ifr.ifr_name, dev.data(), dev.size());
    ifr.ifr_data = reinterpret_cast<char*>(&ev);
    if (::ioctl((*c)->ioctl.get(), SIOCETHTOOL, &ifr) != 0) {
      return Error::from_errno(std::string("set ") + one.name + (*one.v ? " on" : " off") + " on " + q(dev),
                               errno);
    }
  }
  return Ok{};
}

// ---------------------------------------------------------------- firewall

namespace {

using ChildPtr = std::unique_ptr<process::Child>;

// iptables waits up to 5 s for the xtables lock (-w 5); this bounds a tool that hangs.
constexpr std::chrono::seconds tool_timeout{60};

const char* tool(int family) { return family == 4 ? "iptables" : "ip6tables"; }

// Starts argv (no shell), stdout and stderr into one pipe.
Result<ChildPtr> spawn_argv(const std::vector<std::string>& args) {
  process::SpawnSpec spec;
  spec.argv = args;
  spec.capture_stdout = true;
  spec.stderr_to_stdout = true;
  process::RealLauncher launcher;
  auto c = launcher.spawn(spec);
  if (!c) return Error::from_errno("run " + args[0], c.error().sys_errno()).exit(ExitCode::environment);
  return c;
}

// Waits for the child: its exit code (128+N for signal N) and its output.
Result<std::pair<int, std::string>> finish(process::Child& c) {
  std::string text;
  while (true) {
    auto line = c.read_line(tool_timeout);
    if (!line) return std::move(line).error();
    if (!line->has_value()) break;
    text += **line + "\n";
  }
  auto code = c.wait(tool_timeout);
  if (!code) return std::move(code).error();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return std::make_pair(*code, std::move(text));
}

// Runs argv and returns its exit status and output.
Result<int> run_argv(const std::vector<std::string>& args, std::string* out) {
  auto c = spawn_argv(args);
  if (!c) return std::move(c).error();
  auto done = finish(**c);
  if (!done) return std::move(done).error();
  if (out != nullptr) *out = done->second;
  return done->first;
}

// How the iptables run of one rule ended.
Status rule_result(Result<ChildPtr>& child, const std::string& what, int family, bool add) {
  if (!child) return Error(child.error()).context(what);
  auto done = finish(**child);
  if (!done) return Error(done.error()).context(what);
  const auto& [code, text] = *done;
  if (code == 0) return Ok{};
  if (!add && code == 1 && text.find("does a matching rule exist") != std::string::npos)
    return Error(what + ": no such rule", ENOENT);  // "Bad rule (does a matching rule exist ...?)"
  return Error(
      what + ": " + tool(family) + " exited with " + std::to_string(code) + (text.empty() ? "" : ": " + text),
      EIO);
}

std::vector<std::string> rule_args(const NetlinkOps::FwRule& r, const char* op) {
  std::vector<std::string> a = {tool(r.family), "-w", "5", op, r.chain};
  if (std::string(op) == "-I") a.push_back("1");
  if (r.dir != 'o') a.insert(a.end(), {"-i", r.bridge});
  if (r.dir != 'i') a.insert(a.end(), {"-o", r.bridge});
  for (const char* x : {"-m", "comment", "--comment"}) a.emplace_back(x);
  a.push_back(r.mark);
  a.insert(a.end(), {"-j", "ACCEPT"});
  return a;
}

std::string rule_text(const NetlinkOps::FwRule& r) {
  std::string t = std::string(tool(r.family)) + " " + r.chain + " rule " + q(r.mark);
  if (r.dir == 'b') return t + " of bridge " + q(r.bridge);
  return t + (r.dir == 'i' ? " -i " : " -o ") + r.bridge;
}

// Splits one line of `iptables -S`, honouring "quoted words".
std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> w;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    if (i < line.size() && line[i] == '"') {
      j = line.find('"', i + 1);
      if (j == std::string::npos) j = line.size();
      w.push_back(line.substr(i + 1, j - i - 1));
      i = j + 1;
      continue;
    }
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) w.push_back(line.substr(i, j - i));
    i = j;
  }
  return w;
}

// -A CHAIN [-i BR] [-o BR] -m comment --comment latlab:LAB -j ACCEPT
std::optional<NetlinkOps::FwRule> parse_rule(int family, const std::vector<std::string>& w) {
  if (w.size() < 8 || w[0] != "-A") return std::nullopt;
  NetlinkOps::FwRule r;
  r.family = family;
  r.chain = w[1];
  size_t i = 2;
  std::string in, out;
  if (i + 1 < w.size() && w[i] == "-i") in = w[i + 1], i += 2;
  if (i + 1 < w.size() && w[i] == "-o") out = w[i + 1], i += 2;
  if (w.size() != i + 6 || w[i] != "-m" || w[i + 1] != "comment" || w[i + 2] != "--comment" ||
      w[i + 3].rfind("latlab:", 0) != 0 || w[i + 4] != "-j" || w[i + 5] != "ACCEPT")
    return std::nullopt;
  r.mark = w[i + 3];
  if (!in.empty() && in == out) {
    r.dir = 'b', r.bridge = in;
  } else if (!in.empty() && out.empty()) {
    r.dir = 'i', r.bridge = in;
  } else if (in.empty() && !out.empty()) {
    r.dir = 'o', r.bridge = out;
  } else {
    return std::nullopt;
  }
  return r;
}

}  // namespace

NetlinkOps::RulesPending RealNetlinkOps::start_add_bridge_accept_rules(const std::vector<FwRule>& rules) {
  return run_rules(rules, "-I");
}

NetlinkOps::RulesPending RealNetlinkOps::start_delete_bridge_accept_rules(const std::vector<FwRule>& rules) {
  return run_rules(rules, "-D");
}

// All rules start at once (iptables and ip6tables in parallel); the returned
// function reaps them.
NetlinkOps::RulesPending RealNetlinkOps::run_rules(const std::vector<FwRule>& rules, const char* op) {
  const bool add = std::string(op) == "-I";
  auto children = std::make_shared<std::vector<Result<ChildPtr>>>();
  for (const auto& r : rules) children->push_back(spawn_argv(rule_args(r, op)));
  return [rules, children, add] {
    std::vector<Status> out;
    for (size_t i = 0; i < rules.size(); ++i) {
      const FwRule& r = rules[i];
      const std::string what = (add ? "add " : "delete ") + rule_text(r);
      out.push_back(rule_result((*children)[i], what, r.family, add));
    }
    return out;
  };
}

Result<std::vector<NetlinkOps::FwRule>> RealNetlinkOps::list_bridge_accept_rules() {
  std::vector<FwRule> out;
  for (int family : {4, 6}) {
    for (const char* chain : {"FORWARD", "DOCKER-USER"}) {
      std::string text;
      auto r = run_argv({tool(family), "-w", "5", "-S", chain}, &text);
      if (!r) {
        if (r.error().exit_code() == ExitCode::environment) break;  // not installed: no rules of ours
        return std::move(r).error();
      }
      if (*r != 0) continue;  // no such chain (no Docker) / no table
      size_t pos = 0;
      while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (auto rule = parse_rule(family, split_words(text.substr(pos, end - pos)))) out.push_back(*rule);
        pos = end + 1;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- sysctls

Result<std::string> RealNetlinkOps::read_sysctl(const Ns& ns, const std::string& name) {
  const std::string what = "read sysctl " + name;
  if (ns.empty()) return read_file_at(sysctl_path(name), what);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NsEnter enter((*c)->ns_fd.get(), home_.get());
  if (!enter.status()) return enter.status().error().with_context(what);
  return read_file_at(sysctl_path(name), what);
}

Status RealNetlinkOps::write_sysctl(const Ns& ns, const std::string& name, const std::string& value) {
  const std::string what = "set sysctl " + name + "=" + value;
  if (ns.empty()) return write_file_at(sysctl_path(name), value, what);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NsEnter enter((*c)->ns_fd.get(), home_.get());
  if (!enter.status()) return enter.status().error().with_context(what);
  return write_file_at(sysctl_path(name), value, what);
}

Status RealNetlinkOps::write_sysctls(const Ns& ns,
                                     const std::vector<std::pair<std::string, std::string>>& kv) {
  if (ns.empty()) return NetlinkOps::write_sysctls(ns, kv);
  auto c = ctx(ns);
  if (!c) return std::move(c).error();
  NsEnter enter((*c)->ns_fd.get(), home_.get());
  if (!enter.status()) return enter.status().error().with_context("set sysctls");
  for (const auto& [k, v] : kv) LATLAB_TRY(write_file_at(sysctl_path(k), v, "set sysctl " + k + "=" + v));
  return Ok{};
}

}  // namespace latlab::topology
