#include "run/counters_read.h"

#include <fcntl.h>
#include <linux/gen_stats.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <thread>

#include "util/unique_fd.h"

namespace latlab::run {

Result<std::string> read_text_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::from_errno("open " + path, errno);
  std::string out;
  char buf[16384];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read " + path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

namespace {

// Dumps one rtnetlink table (RTM_GETLINK, RTM_GETQDISC) of the calling
// thread's namespace and hands each reply to on_msg.
Status rtnl_dump(int type, const void* body, size_t body_len,
                 const std::function<void(const nlmsghdr*)>& on_msg, const std::string& what) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return Error::from_errno(what + ": netlink socket", errno);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
    return Error::from_errno(what + ": bind netlink socket", errno);
  alignas(nlmsghdr) char req[NLMSG_SPACE(64)] = {};
  auto* h = reinterpret_cast<nlmsghdr*>(req);
  h->nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(body_len));
  h->nlmsg_type = static_cast<uint16_t>(type);
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  h->nlmsg_seq = 1;
  std::memcpy(NLMSG_DATA(h), body, body_len);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd.get(), req, h->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    return Error::from_errno(what + ": send dump request", errno);
  std::vector<char> buf(1 << 16);
  while (true) {
    ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(what + ": receive", errno);
    }
    int len = static_cast<int>(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buf.data()); NLMSG_OK(m, static_cast<unsigned>(len));
         m = NLMSG_NEXT(m, len)) {
      if (m->nlmsg_type == NLMSG_DONE) return Ok{};
      if (m->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(m));
        if (e->error == 0) continue;
        return Error::from_errno(what, -e->error);
      }
      on_msg(m);
    }
  }
}

// Attributes of a message after its fixed header of `hdr_len` bytes.
std::map<int, std::pair<const char*, size_t>> attrs(const void* start, size_t len) {
  std::map<int, std::pair<const char*, size_t>> out;
  const auto* a = static_cast<const rtattr*>(start);
  auto left = static_cast<unsigned int>(len);
  for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
    out[a->rta_type & NLA_TYPE_MASK] = {static_cast<const char*>(RTA_DATA(a)), RTA_PAYLOAD(a)};
  return out;
}

template <typename T>
T read_struct(const std::pair<const char*, size_t>& a) {
  T v{};
  std::memcpy(&v, a.first, std::min(sizeof v, a.second));
  return v;
}

struct Collector {
  std::string node;
  CounterReading& out;
  void add(const std::string& source, std::string name, uint64_t v, bool gauge = false) {
    out.values.push_back({source, std::move(name), static_cast<int64_t>(v), gauge});
  }
  void fail(const std::string& source, const std::string& err) {
    out.failures.push_back({node, source, err});
  }
};

void read_links(Collector& c, const std::vector<std::string>& interfaces,
                std::map<int, std::string>& index_of) {
  std::map<std::string, rtnl_link_stats64> stats;
  ifinfomsg body{};
  body.ifi_family = AF_UNSPEC;
  auto st = rtnl_dump(
      RTM_GETLINK, &body, sizeof body,
      [&](const nlmsghdr* m) {
        if (m->nlmsg_type != RTM_NEWLINK) return;
        const auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(m));
        auto a = attrs(IFLA_RTA(ifi), IFLA_PAYLOAD(m));
        auto name_it = a.find(IFLA_IFNAME);
        if (name_it == a.end()) return;
        std::string name(name_it->second.first, strnlen(name_it->second.first, name_it->second.second));
        index_of[ifi->ifi_index] = name;
        if (auto s = a.find(IFLA_STATS64); s != a.end())
          stats[name] = read_struct<rtnl_link_stats64>(s->second);
      },
      "dump links");
  if (!st.ok()) {
    c.fail("link", st.error().message());
    return;
  }
  for (const auto& ifname : interfaces) {
    auto it = stats.find(ifname);
    if (it == stats.end()) {
      c.fail("link", "interface \"" + ifname + "\": not found or without IFLA_STATS64");
      continue;
    }
    const auto& s = it->second;
    c.add("link", ifname + ".rx_packets", s.rx_packets);
    c.add("link", ifname + ".tx_packets", s.tx_packets);
    c.add("link", ifname + ".rx_bytes", s.rx_bytes);
    c.add("link", ifname + ".tx_bytes", s.tx_bytes);
    c.add("link", ifname + ".rx_errors", s.rx_errors);
    c.add("link", ifname + ".tx_errors", s.tx_errors);
    c.add("link", ifname + ".rx_dropped", s.rx_dropped);
    c.add("link", ifname + ".tx_dropped", s.tx_dropped);
  }
}

void read_qdiscs(Collector& c, const std::vector<std::string>& interfaces,
                 const std::map<int, std::string>& index_of) {
  struct Q {
    std::string kind;
    uint64_t bytes = 0, packets = 0;
    uint32_t qlen = 0, backlog = 0, drops = 0, requeues = 0, overlimits = 0;
  };
  std::map<std::string, Q> roots;
  tcmsg body{};
  body.tcm_family = AF_UNSPEC;
  auto st = rtnl_dump(
      RTM_GETQDISC, &body, sizeof body,
      [&](const nlmsghdr* m) {
        if (m->nlmsg_type != RTM_NEWQDISC) return;
        const auto* tc = static_cast<const tcmsg*>(NLMSG_DATA(m));
        if (tc->tcm_parent != TC_H_ROOT) return;
        auto dev = index_of.find(tc->tcm_ifindex);
        if (dev == index_of.end()) return;
        auto a = attrs(reinterpret_cast<const char*>(tc) + NLMSG_ALIGN(sizeof(tcmsg)),
                       m->nlmsg_len - NLMSG_LENGTH(sizeof(tcmsg)));
        Q q;
        if (auto k = a.find(TCA_KIND); k != a.end())
          q.kind.assign(k->second.first, strnlen(k->second.first, k->second.second));
        if (auto s2 = a.find(TCA_STATS2); s2 != a.end()) {
          auto n = attrs(s2->second.first, s2->second.second);
          if (auto b = n.find(TCA_STATS_BASIC); b != n.end()) {
            auto bs = read_struct<gnet_stats_basic>(b->second);
            q.bytes = bs.bytes;
            q.packets = bs.packets;
          }
          if (auto qs = n.find(TCA_STATS_QUEUE); qs != n.end()) {
            auto gq = read_struct<gnet_stats_queue>(qs->second);
            q.qlen = gq.qlen;
            q.backlog = gq.backlog;
            q.drops = gq.drops;
            q.requeues = gq.requeues;
            q.overlimits = gq.overlimits;
          }
        } else if (auto s1 = a.find(TCA_STATS); s1 != a.end()) {
          auto ts = read_struct<tc_stats>(s1->second);
          q.bytes = ts.bytes;
          q.packets = ts.packets;
          q.drops = ts.drops;
          q.overlimits = ts.overlimits;
          q.qlen = ts.qlen;
          q.backlog = ts.backlog;
        }
        roots[dev->second] = q;
      },
      "dump qdiscs");
  if (!st.ok()) {
    c.fail("qdisc", st.error().message());
    return;
  }
  for (const auto& ifname : interfaces) {
    auto it = roots.find(ifname);
    if (it == roots.end()) {
      c.fail("qdisc", "interface \"" + ifname + "\": no root qdisc");
      continue;
    }
    const Q& q = it->second;
    c.add("qdisc", ifname + ".sent_bytes", q.bytes);
    c.add("qdisc", ifname + ".sent_packets", q.packets);
    c.add("qdisc", ifname + ".drops", q.drops);
    c.add("qdisc", ifname + ".overlimits", q.overlimits);
    c.add("qdisc", ifname + ".requeues", q.requeues);
    c.add("qdisc", ifname + ".backlog", q.backlog, /*gauge=*/true);
    c.add("qdisc", ifname + ".qlen", q.qlen, /*gauge=*/true);
  }
}

void read_in_current_namespace(Collector& c, const std::vector<std::string>& interfaces) {
  for (const char* src : {"snmp", "netstat"}) {
    auto text = read_text_file(std::string("/proc/thread-self/net/") + src);
    if (!text.ok()) {
      c.fail(src, text.error().message());
      continue;
    }
    auto vals = parse_proc_pairs(*text, src);
    if (!vals.ok()) {
      c.fail(src, vals.error().message());
      continue;
    }
    for (auto& v : *vals) c.out.values.push_back(std::move(v));
  }
  if (interfaces.empty()) return;
  std::map<int, std::string> index_of;
  read_links(c, interfaces, index_of);
  if (!index_of.empty()) read_qdiscs(c, interfaces, index_of);
}

}  // namespace

CounterReading read_namespace_counters(const std::string& node, const std::string& netns_path,
                                       const std::vector<std::string>& interfaces) {
  CounterReading out;
  Collector c{node, out};
  // A thread of its own: setns() below changes only this thread, which ends
  // right after, so latlab's other threads never leave their namespace.
  std::thread t([&] {
    if (!netns_path.empty()) {
      UniqueFd fd(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd) {
        c.fail("namespace", Error::from_errno("open " + netns_path, errno).message());
        return;
      }
      if (::setns(fd.get(), CLONE_NEWNET) != 0) {
        c.fail("namespace", Error::from_errno("enter " + netns_path, errno).message());
        return;
      }
    }
    read_in_current_namespace(c, interfaces);
  });
  t.join();
  return out;
}

CounterReading read_global_counters() {
  CounterReading out;
  Collector c{"host", out};
  auto sn = read_text_file("/proc/net/softnet_stat");
  if (sn.ok()) {
    auto v = parse_softnet_stat(*sn);
    if (v.ok())
      out.values.insert(out.values.end(), v->begin(), v->end());
    else
      c.fail("softnet", v.error().message());
  } else {
    c.fail("softnet", sn.error().message());
  }
  auto si = read_text_file("/proc/softirqs");
  if (si.ok()) {
    auto v = parse_softirqs(*si);
    if (v.ok())
      out.values.insert(out.values.end(), v->begin(), v->end());
    else
      c.fail("softirqs", v.error().message());
  } else {
    c.fail("softirqs", si.error().message());
  }
  return out;
}

}  // namespace latlab::run
