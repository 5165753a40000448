#include "run/host_info.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <thread>

#include "topology/netns.h"
#include "util/unique_fd.h"

namespace latlab::run {

namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return "";
  return line;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "";
}

// Machine-wide sysctls that move latency (seed 002).
const char* const global_sysctls[] = {
    "net.core.netdev_budget",  "net.core.netdev_budget_usecs",
    "net.core.dev_weight",     "net.core.netdev_max_backlog",
    "net.core.rmem_default",   "net.core.rmem_max",
    "net.core.wmem_default",   "net.core.wmem_max",
    "net.core.busy_read",      "net.core.busy_poll",
    "net.core.default_qdisc",  "kernel.perf_event_paranoid",
    "net.core.bpf_jit_enable",
};

// Per-namespace sysctls recorded per node.
const char* const node_sysctls[] = {
    "net.ipv4.ip_early_demux",       "net.ipv4.udp_early_demux", "net.ipv4.icmp_ratelimit",
    "net.ipv4.icmp_echo_ignore_all", "net.ipv4.ip_forward",      "net.ipv4.conf.all.rp_filter",
};

std::string sysctl_path(const std::string& name) {
  std::string p = "/proc/sys/" + name;
  for (size_t i = 10; i < p.size(); ++i)
    if (p[i] == '.') p[i] = '/';
  return p;
}

nlohmann::json offloads_of(const std::string& ifname) {
  nlohmann::json j = nlohmann::json::object();
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return j;
  struct Item {
    const char* name;
    uint32_t cmd;
  } items[] = {
      {"tx_checksum", ETHTOOL_GTXCSUM}, {"tso", ETHTOOL_GTSO}, {"gso", ETHTOOL_GGSO}, {"gro", ETHTOOL_GGRO}};
  for (const auto& it : items) {
    ethtool_value v{};
    v.cmd = it.cmd;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    ifr.ifr_data = reinterpret_cast<char*>(&v);
    if (::ioctl(fd, SIOCETHTOOL, &ifr) == 0) j[it.name] = v.data != 0;
  }
  ::close(fd);
  return j;
}

}  // namespace

nlohmann::json machine_info() {
  nlohmann::json j;
  utsname u{};
  ::uname(&u);
  j["kernel"] = std::string(u.release);
  j["kernel_version"] = std::string(u.version);
  j["machine"] = std::string(u.machine);
  j["hostname"] = std::string(u.nodename);
  j["cpu_model"] = cpu_model();
  j["cpus_online"] = ::sysconf(_SC_NPROCESSORS_ONLN);
  j["clocksource"] = first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string gov = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  j["cpu_governor"] = gov.empty() ? "none (no cpufreq)" : gov;
  j["boot_id"] = first_line("/proc/sys/kernel/random/boot_id");
  nlohmann::json sys = nlohmann::json::object();
  for (const char* name : global_sysctls) {
    std::string v = first_line(sysctl_path(name));
    if (!v.empty()) sys[name] = v;
  }
  j["sysctls"] = sys;
  return j;
}

nlohmann::json lab_settings(const scenario::Lab& lab, topology::NetlinkOps& ops) {
  nlohmann::json nodes = nlohmann::json::object();
  for (const auto& n : lab.nodes) {
    nlohmann::json node;
    node["kind"] = n.kind;
    nlohmann::json sys = nlohmann::json::object();
    for (const char* name : node_sysctls) {
      auto v = ops.read_sysctl(n.netns_name, name);
      if (v.ok()) sys[name] = *v;
    }
    node["sysctls"] = sys;
    nlohmann::json ifs = nlohmann::json::object();
    auto links = ops.list_links(n.netns_name);
    if (links.ok()) {
      for (const auto& l : *links) {
        if (!lab.find_interface(n.name, l.name)) continue;
        ifs[l.name] = {{"mtu", l.mtu}, {"txqueuelen", l.txqueuelen}, {"qdisc", l.qdisc}, {"kind", l.kind}};
      }
    }
    // Offloads through the ethtool ioctl, from a thread inside the namespace.
    std::thread t([&] {
      std::optional<UniqueFd> target, home;
      if (!n.netns_name.empty()) {
        auto h = topology::open_current_netns();
        auto tg = topology::open_netns(n.netns_name);
        if (!h.ok() || !tg.ok()) return;
        home.emplace(std::move(*h));
        target.emplace(std::move(*tg));
      }
      std::optional<topology::NsEnter> enter;
      if (target) {
        enter.emplace(target->get(), home->get());
        if (!enter->status().ok()) return;
      }
      for (auto it = ifs.begin(); it != ifs.end(); ++it) (*it)["offloads"] = offloads_of(it.key());
    });
    t.join();
    node["interfaces"] = ifs;
    nodes[n.name] = node;
  }
  return nodes;
}

nlohmann::json docker_settings(const scenario::Lab& lab, const topology::LabState& state,
                               topology::NetlinkOps& ops, docker::ContainerRuntime& runtime) {
  nlohmann::json out;
  if (auto info = runtime.info(); info.ok()) {
    out["engine"] = {{"server_version", info->server_version}, {"api_version", info->api_version},
                     {"storage_driver", info->storage_driver}, {"cgroup_driver", info->cgroup_driver},
                     {"cgroup_version", info->cgroup_version}, {"security_options", info->security_options}};
  } else {
    out["engine"] = {{"error", info.error().message()}};
  }
  nlohmann::json nf = nlohmann::json::object();
  for (const char* name : {"net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables",
                           "net.netfilter.nf_conntrack_count", "net.netfilter.nf_conntrack_max"}) {
    auto v = ops.read_sysctl("", name);
    nf[name] = v.ok() ? nlohmann::json(*v) : nlohmann::json(nullptr);  // null: module not loaded
  }
  out["netfilter"] = nf;
  nlohmann::json containers = nlohmann::json::object();
  for (const auto& c : state.containers) {
    nlohmann::json j = {{"name", c.name}, {"image", c.image}, {"network", c.network}, {"ipv4", c.ipv4}};
    const scenario::Node* n = lab.find_node(c.node);
    j["agent"] = n && n->agent_exec ? "exec" : "setns";
    if (auto ci = runtime.inspect_container(c.name); ci.ok()) {
      j["id"] = ci->id;
      j["cpuset_cpus"] = ci->cpuset_cpus;
      j["nano_cpus"] = ci->nano_cpus;
      j["security_options"] = ci->security_options;
      bool unconfined = std::any_of(ci->security_options.begin(), ci->security_options.end(),
                                    [](const std::string& o) { return o.find("seccomp=unconfined") != std::string::npos ||
                                                                      o.find("seccomp:unconfined") != std::string::npos; });
      j["seccomp"] = unconfined ? "unconfined" : "default profile";
      if (ci->pid > 0) {
        std::ifstream cg("/proc/" + std::to_string(ci->pid) + "/cgroup");
        std::string line;
        if (std::getline(cg, line)) j["cgroup"] = line;
      }
    }
    containers[c.node] = j;
  }
  out["containers"] = containers;
  return out;
}

}  // namespace latlab::run
