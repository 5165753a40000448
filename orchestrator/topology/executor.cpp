#include "topology/executor.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <random>
#include <thread>
#include <unordered_map>

#include "topology/kinds.h"

namespace latlab::topology {

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

class NsMap {
 public:
  const std::string& operator()(const std::string& node) const {
    static const std::string none;
    auto it = m_.find(node);
    return it == m_.end() ? none : it->second;
  }
  std::unordered_map<std::string, std::string> m_;
};

}  // namespace

scenario::MacAddr random_mac() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t v = rng();
  scenario::MacAddr m;
  for (int i = 0; i < 6; ++i) m.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
  m.bytes[0] = static_cast<uint8_t>((m.bytes[0] & 0xfe) | 0x02);  // unicast, locally administered
  return m;
}

static bool uses_engine(const Plan& plan) {
  return std::any_of(plan.actions.begin(), plan.actions.end(), [](const Action& a) {
    return std::holds_alternative<EnsureImage>(a) || std::holds_alternative<CreateDockerNetwork>(a) ||
           std::holds_alternative<CreateContainer>(a);
  });
}

Status check_container_engine(const Plan& plan, const ApplyOptions& opt) {
  if (!uses_engine(plan)) return Ok{};
  const std::string alternative =
      " (docker nodes need a Docker engine; node kind \"netns\" builds the same namespaces without one)";
  if (opt.runtime == nullptr)
    return Error("no Docker engine is configured" + alternative, ENOTCONN, ExitCode::environment);
  if (Status s = opt.runtime->ping(); !s)
    return Error(s.error().message() + alternative, s.error().sys_errno(), ExitCode::environment);
  for (const Action& a : plan.actions) {
    const auto* img = std::get_if<EnsureImage>(&a);
    if (img == nullptr) continue;
    auto have = opt.runtime->image_exists(img->image);
    if (!have) return Error(have.error()).context("node " + q(img->node)).exit(ExitCode::environment);
    if (*have) continue;
    if (img->agent_image) {
      if (opt.agent_path.empty() || ::access(opt.agent_path.c_str(), R_OK) != 0)
        return Error("node " + q(img->node) + ": image " + q(img->image) +
                         " is missing and no latlab-agent was found to build it; `latlab image build` builds it",
                     ENOENT, ExitCode::environment);
      continue;
    }
    return Error("node " + q(img->node) + ": image " + q(img->image) +
                     " is not on this machine (latlab never pulls an image: build it or `docker load` it, or "
                     "leave out \"image\" for latlab's own agent image, which `latlab image build` builds)",
                 ENOENT, ExitCode::environment);
  }
  return Ok{};
}

static Result<NsMap> make_ns_map(const scenario::Lab& lab, LabState* st) {
  NsMap map;
  for (const auto& n : lab.nodes) {
    auto ns = node_netns(n, lab.name);
    if (!ns) return std::move(ns).error().context("lab " + q(lab.name));
    map.m_[n.name] = *ns;
    if (st != nullptr) st->nodes.push_back({n.name, n.kind, *ns});
  }
  return map;
}

Result<LabState> journal_for(NetlinkOps& ops, const scenario::Lab& lab, const Plan& plan,
                             const ApplyOptions& opt) {
  LabState st;
  st.lab = lab.name;
  st.status = "building";
  st.scenario = opt.scenario_path;
  st.pid = static_cast<int>(::getpid());
  st.created_unix = static_cast<int64_t>(::time(nullptr));
  st.hosts = opt.hosts;
  st.part = opt.part;
  auto nsr = make_ns_map(lab, &st);
  if (!nsr) return std::move(nsr).error();
  const NsMap& ns = *nsr;

  // A device the lab creates in a node, with the MAC it will get.
  auto own_link = [&](const std::string& node, const std::string& name, const char* kind) {
    JLink l;
    l.node = node;
    l.netns = ns(node);
    l.name = name;
    l.kind = kind;
    l.mac = opt.mac_source();
    return l;
  };
  std::optional<std::vector<LinkState>> root_links;
  std::optional<std::vector<AddrState>> root_addrs;
  for (const Action& action : plan.actions) {
    Status s = std::visit(
        overloaded{
            [&](const CreateNetns& a) -> Status {
              st.namespaces.push_back({a.node, a.netns});
              return Ok{};
            },
            [&](const CreateDockerNetwork& a) -> Status {
              st.docker_networks.push_back({a.link, a.name, a.bridge, a.subnet.str(), ""});
              if (a.forward) {
                for (char dir : {'i', 'o'}) st.fw_rules.push_back({"", a.bridge, 4, "DOCKER-USER", dir});
              }
              return Ok{};
            },
            [&](const CreateContainer& a) -> Status {
              st.containers.push_back({a.node, a.container, a.netns, a.image, a.network, "", 0, ""});
              st.namespaces.push_back({a.node, a.netns});
              return Ok{};
            },
            [&](const CreateBridge& a) -> Status {
              st.links.push_back(own_link(a.node, a.name, "bridge"));
              return Ok{};
            },
            [&](const CreateVeth& a) -> Status {
              JLink l = own_link(a.node, a.name, "veth");
              l.peer_node = a.peer_node;
              l.peer_netns = ns(a.peer_node);
              l.peer_name = a.peer_name;
              l.peer_mac = opt.mac_source();
              st.links.push_back(std::move(l));
              return Ok{};
            },
            [&](const CreateMacvlan& a) -> Status {
              st.links.push_back(own_link(a.node, a.name, "macvlan"));
              return Ok{};
            },
            [&](const CreateVxlan& a) -> Status {
              st.links.push_back(own_link(a.node, a.name, "vxlan"));
              return Ok{};
            },
            [&](const MovePhys& a) -> Status {
              const std::string what = "node " + q(a.node) + ": move " + q(a.device);
              if (!root_links) {
                auto l = ops.list_links("");
                if (!l) return std::move(l).error().context(what);
                root_links = std::move(*l);
                auto ad = ops.list_addresses("");
                if (!ad) return std::move(ad).error().context(what);
                root_addrs = std::move(*ad);
              }
              auto f = std::find_if(root_links->begin(), root_links->end(),
                                    [&](const LinkState& l) { return l.name == a.device; });
              if (f == root_links->end())
                return Error(what + ": no device " + q(a.device) + " in the host namespace", ENODEV);
              JPhys p;
              p.node = a.node;
              p.netns = ns(a.node);
              p.device = a.device;
              p.new_name = a.new_name.empty() ? a.device : a.new_name;
              p.mtu = f->mtu;
              p.up = f->up;
              for (const auto& ad : *root_addrs) {
                // Link-local IPv6 addresses come back by themselves.
                if (ad.ifindex == f->ifindex && ad.scope != 253 /*RT_SCOPE_LINK*/)
                  p.addresses.push_back(ad.prefix);
              }
              st.phys.push_back(std::move(p));
              return Ok{};
            },
            [&](const SetSysctl& a) -> Status {
              if (!a.global && !ns(a.node).empty()) return Ok{};  // goes with the namespace
              auto old = ops.read_sysctl("", a.name);
              if (!old) return std::move(old).error().context("node " + q(a.node));
              st.sysctls.push_back({a.node, a.name, *old, a.value, a.global});
              return Ok{};
            },
            [&](const AddRoute& a) -> Status {
              if (ns(a.node).empty()) st.routes.push_back({a.node, a.route});
              return Ok{};
            },
            [&](const AddNeighbor& a) -> Status {
              if (ns(a.node).empty()) st.neighbors.push_back({a.node, a.neighbor});
              return Ok{};
            },
            [&](const BridgeNetfilterOff& a) -> Status {
              st.nf_off_bridges.push_back(a.node + ":" + a.bridge);
              if (!ns(a.node).empty()) return Ok{};  // a lab namespace has no firewall of the host
              // The per-bridge switch cannot override a host-wide 1 (the kernel
              // ORs them): add a marked ACCEPT rule where that is the case.
              for (int fam : {4, 6}) {
                auto v = ops.read_sysctl("", fam == 4 ? "net.bridge.bridge-nf-call-iptables"
                                                      : "net.bridge.bridge-nf-call-ip6tables");
                if (v && *v != "0") st.fw_rules.push_back({a.node, a.bridge, fam});
              }
              return Ok{};
            },
            [&](const auto&) -> Status { return Ok{}; },
        },
        action);
    if (!s) return std::move(s).error().context("lab " + q(lab.name));
  }
  return st;
}

Result<LabState> apply_plan(NetlinkOps& ops, StateStore& store, const scenario::Lab& lab, const Plan& plan,
                            const ApplyOptions& opt) {
  if (Status s = check_container_engine(plan, opt); !s) return std::move(s).error().context("lab " + q(lab.name));
  auto jr = journal_for(ops, lab, plan, opt);
  if (!jr) return std::move(jr).error();
  LabState journal = std::move(*jr);
  const bool profile = std::getenv("LATLAB_TOPOLOGY_PROFILE") != nullptr;
  auto tj = std::chrono::steady_clock::now();
  if (Status s = store.write(journal); !s) return std::move(s).error().context("lab " + q(lab.name));
  if (profile) {
    std::fprintf(stderr, "profile: journal write: %.3f ms\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - tj).count() * 1e3);
  }

  NsMap ns;
  for (const auto& n : journal.nodes) ns.m_[n.name] = n.netns;
  const std::string mark = scenario::ownership_mark(lab.name);

  // What exists so far, for the undo.
  LabState created;
  created.lab = journal.lab;
  created.nodes = journal.nodes;
  size_t next_link = 0, next_phys = 0, next_sysctl = 0, next_route = 0, next_neigh = 0;
  size_t next_container = 0, next_network = 0;

  // Firewall rules being added in the background, and their reaping.
  struct PendingRules {
    NetlinkOps::RulesPending wait;
    std::vector<const JFwRule*> rules;
  };
  std::vector<PendingRules> pending_rules;
  auto finish_rules = [&]() -> Status {
    Status first;
    for (auto& p : pending_rules) {
      std::vector<Status> st = p.wait();
      for (size_t i = 0; i < st.size(); ++i) {
        if (st[i]) {
          created.fw_rules.push_back(*p.rules[i]);
        } else if (first) {
          first = Error(st[i].error()).context("node " + q(p.rules[i]->node));
        }
      }
    }
    pending_rules.clear();
    return first;
  };
  // Removes what exists so far; returns `err`, extended if the undo failed too.
  auto undo = [&](Error err) -> Error {
    (void)finish_rules();
    TeardownOptions undo_opt = opt.undo;
    undo_opt.runtime = opt.runtime;
    TeardownReport rep = teardown(ops, created, undo_opt);
    if (rep.ok()) {
      (void)store.remove(lab.name);
      return err;
    }
    journal.status = "failed";
    (void)store.write(journal);
    std::string msg = err.message() + "; the undo failed too (run `latlab cleanup " + lab.name + "`): ";
    msg += rep.errors.front().message();
    return Error(msg, err.sys_errno(), err.exit_code());
  };

  // A container: created (journalled first), the agent copied in when the
  // image is not latlab's, started with the agent holding it as PID 1, and
  // its namespace linked under /run/netns and marked.
  // A container in the engine: created (journalled first), the agent copied
  // in when the image is not latlab's, started with the agent holding it as
  // PID 1, inspected for its PID and address. Runs on several threads at once
  // (the engine's own work dominates); `made` says whether it was created.
  auto engine_container = [&](const CreateContainer& a, JContainer& jc, bool& made) -> Status {
    docker::ContainerSpec spec;
    spec.name = a.container;
    spec.image = a.image;
    spec.labels = {{docker::label_lab, lab.name}, {docker::label_node, a.node}};
    spec.network = a.network;
    if (a.ipv4) spec.ipv4 = a.ipv4->str();
    spec.entrypoint = {std::string("/") + docker::agent_file, "hold"};
    spec.cpuset_cpus = a.cpus;
    spec.hostname = a.node;
    auto id = opt.runtime->create_container(spec);
    if (!id) return std::move(id).error();
    jc.id = *id;
    made = true;
    if (!a.agent_image)
      LATLAB_TRY(opt.runtime->copy_file_in(a.container, opt.agent_path, std::string("/") + docker::agent_file));
    LATLAB_TRY(opt.runtime->start_container(a.container));
    auto info = opt.runtime->inspect_container(a.container);
    if (!info) return std::move(info).error();
    if (!info->running || info->pid <= 0)
      return Error("container " + q(a.container) + " stopped right after its start", ECHILD);
    jc.pid = info->pid;
    if (auto ip = info->ipv4.find(a.network); ip != info->ipv4.end()) jc.ipv4 = ip->second;
    return Ok{};
  };
  // docker0's own address (the host's side), read from the kernel.
  auto note_docker0 = [&] {
    if (!journal.docker_bridge_ipv4.empty()) return;
    auto links = ops.list_links("");
    auto addrs = ops.list_addresses("");
    if (!links || !addrs) return;
    for (const auto& l : *links) {
      if (l.name != "docker0") continue;
      for (const auto& ad : *addrs)
        if (ad.ifindex == l.ifindex && ad.prefix.family() == 4) journal.docker_bridge_ipv4 = ad.prefix.str();
    }
  };
  // The run of CreateContainer actions from `ai` on: the engine's part on up
  // to kContainerWorkers threads, then, in plan order, each namespace linked
  // under /run/netns and marked (netlink, one thread). failed_node names the
  // node of the error returned.
  std::string failed_node;
  auto create_containers = [&](size_t& ai) -> Status {
    constexpr size_t kContainerWorkers = 32;  // the engine, not latlab, is the bottleneck
    size_t last = ai;
    while (last + 1 < plan.actions.size() && std::holds_alternative<CreateContainer>(plan.actions[last + 1])) ++last;
    const size_t n = last - ai + 1;
    std::vector<const CreateContainer*> batch;
    for (size_t k = ai; k <= last; ++k) batch.push_back(&std::get<CreateContainer>(plan.actions[k]));
    const size_t first_container = next_container;
    next_container += n;
    std::vector<Status> st(n);
    std::vector<char> made(n, 0);
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t k = next++; k < n; k = next++) {
        bool m = false;
        st[k] = engine_container(*batch[k], journal.containers.at(first_container + k), m);
        made[k] = m;
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < std::min(n, kContainerWorkers); ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    ai = last;
    Status first;
    for (size_t k = 0; k < n; ++k) {
      const CreateContainer& a = *batch[k];
      const JContainer& jc = journal.containers.at(first_container + k);
      if (made[k]) created.containers.push_back(jc);
      if (!st[k]) {
        if (first) failed_node = a.node, first = std::move(st[k]);
        continue;
      }
      if (!first) continue;  // undone with the rest
      if (a.network == "bridge") note_docker0();
      if (Status l = ops.link_netns(a.netns, "/proc/" + std::to_string(jc.pid) + "/ns/net", mark); !l) {
        failed_node = a.node, first = std::move(l);
        continue;
      }
      created.namespaces.push_back({a.node, a.netns});
    }
    return first;
  };

  // LATLAB_TOPOLOGY_PROFILE=1: time per action kind on stderr (bench/topology).
  std::map<size_t, std::pair<double, size_t>> prof;
  for (size_t ai = 0; ai < plan.actions.size(); ++ai) {
    const Action& action = plan.actions[ai];
    const std::string& node = node_of(action);
    const std::string& nns = ns(node);
    auto t0 = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    if (opt.cancel != nullptr && opt.cancel->load()) {
      Error err("interrupted", EINTR, ExitCode::interrupted);
      return undo(std::move(err.context("lab " + q(lab.name))));
    }
    Status s = std::visit(
        overloaded{
            [&](const EnsureImage& a) -> Status {
              if (!a.agent_image) return Ok{};  // checked before anything was touched
              auto have = opt.runtime->image_exists(a.image);
              if (!have) return std::move(have).error();
              if (*have) return Ok{};
              return opt.runtime->build_agent_image(a.image, opt.agent_path);
            },
            [&](const CreateDockerNetwork& a) -> Status {
              JDockerNetwork& jn = journal.docker_networks.at(next_network++);
              docker::NetworkSpec spec;
              spec.name = a.name;
              spec.subnet = a.subnet.str();
              spec.gateway = a.subnet.host(1)->str();
              spec.bridge = a.bridge;
              spec.labels = {{docker::label_lab, lab.name}, {docker::label_link, a.link}};
              auto id = opt.runtime->create_network(spec);
              if (!id) return std::move(id).error();
              jn.id = *id;
              created.docker_networks.push_back(jn);
              if (!a.forward) return Ok{};
              std::vector<const JFwRule*> mine;
              std::vector<NetlinkOps::FwRule> rules;
              for (const JFwRule& r : journal.fw_rules) {
                if (r.chain != "DOCKER-USER" || r.bridge != a.bridge) continue;
                mine.push_back(&r);
                rules.push_back({r.family, r.bridge, mark, r.chain, r.dir});
              }
              pending_rules.push_back({ops.start_add_bridge_accept_rules(rules), std::move(mine)});
              return Ok{};
            },
            [&](const CreateContainer&) -> Status { return create_containers(ai); },
            [&](const CreateNetns& a) -> Status {
              if (Status c = ops.create_netns(a.netns, mark); !c) {
                if (c.error().sys_errno() != EEXIST) return c;
                return Error(c.error().message() + " (a leftover of an earlier run? `latlab cleanup " +
                                 lab.name + "` removes it when it carries the lab's mark)",
                             EEXIST);
              }
              created.namespaces.push_back({a.node, a.netns});
              return Ok{};
            },
            [&](const SetSysctl& a) -> Status {
              bool journalled = a.global || nns.empty();
              if (!journalled) {
                // A run of namespaced sysctls of one node: one namespace switch.
                std::vector<std::pair<std::string, std::string>> kv = {{a.name, a.value}};
                while (ai + 1 < plan.actions.size()) {
                  const auto* next = std::get_if<SetSysctl>(&plan.actions[ai + 1]);
                  if (next == nullptr || next->node != a.node || next->global) break;
                  kv.emplace_back(next->name, next->value);
                  ++ai;
                }
                return ops.write_sysctls(nns, kv);
              }
              LATLAB_TRY(ops.write_sysctl(a.global ? std::string() : nns, a.name, a.value));
              if (journalled) created.sysctls.push_back(journal.sysctls.at(next_sysctl++));
              return Ok{};
            },
            [&](const CreateBridge& a) -> Status {
              const JLink& l = journal.links.at(next_link++);
              LATLAB_TRY(ops.create_bridge(nns, a.name, l.mac));
              created.links.push_back(l);
              return ops.set_alias(nns, a.name, mark);
            },
            [&](const CreateVeth& a) -> Status {
              const JLink& l = journal.links.at(next_link++);
              LATLAB_TRY(ops.create_veth(l.netns, a.name, l.mac, l.peer_netns, a.peer_name, l.peer_mac));
              created.links.push_back(l);
              LATLAB_TRY(ops.set_alias(l.netns, a.name, mark));
              return ops.set_alias(l.peer_netns, a.peer_name, mark);
            },
            [&](const CreateMacvlan& a) -> Status {
              const JLink& l = journal.links.at(next_link++);
              LATLAB_TRY(ops.create_macvlan(nns, a.name, l.mac, a.parent, a.mode));
              created.links.push_back(l);
              return ops.set_alias(nns, a.name, mark);
            },
            [&](const CreateVxlan& a) -> Status {
              const JLink& l = journal.links.at(next_link++);
              LATLAB_TRY(ops.create_vxlan(nns, VxlanSpec{a.name, l.mac, a.vni, a.port, a.local, a.remote}));
              created.links.push_back(l);
              return ops.set_alias(nns, a.name, mark);
            },
            [&](const MovePhys& a) -> Status {
              const JPhys& p = journal.phys.at(next_phys++);
              LATLAB_TRY(ops.move_link("", a.device, nns, p.new_name));
              created.phys.push_back(p);
              return Ok{};
            },
            [&](const SetMaster& a) -> Status { return ops.set_master(nns, a.name, a.master); },
            [&](const SetLinkAttrs& a) -> Status {
              return ops.set_link_attrs(nns, a.name, a.mtu, a.txqueuelen, a.mac);
            },
            [&](const SetOffloads& a) -> Status { return ops.set_offloads(nns, a.name, a.offloads); },
            [&](const SetQdisc& a) -> Status { return ops.set_qdisc(nns, a.name, a.qdisc); },
            [&](const BridgeNetfilterOff& a) -> Status {
              LATLAB_TRY(ops.set_bridge_netfilter(nns, a.bridge, false));
              std::vector<const JFwRule*> mine;
              std::vector<NetlinkOps::FwRule> rules;
              for (const JFwRule& r : journal.fw_rules) {
                if (r.node != a.node || r.bridge != a.bridge) continue;
                mine.push_back(&r);
                rules.push_back({r.family, r.bridge, mark});
              }
              if (rules.empty()) return Ok{};
              // Runs while the rest of the plan is applied; reaped by finish_rules().
              pending_rules.push_back({ops.start_add_bridge_accept_rules(rules), std::move(mine)});
              return Ok{};
            },
            [&](const AddAddress& a) -> Status { return ops.add_address(nns, a.name, a.address); },
            [&](const LinkUp& a) -> Status { return ops.set_up(nns, a.name, true); },
            [&](const AddRoute& a) -> Status {
              LATLAB_TRY(ops.add_route(nns, a.route));
              if (nns.empty()) created.routes.push_back(journal.routes.at(next_route++));
              return Ok{};
            },
            [&](const AddNeighbor& a) -> Status {
              LATLAB_TRY(ops.add_neighbor(nns, a.neighbor));
              if (nns.empty()) created.neighbors.push_back(journal.neighbors.at(next_neigh++));
              return Ok{};
            },
        },
        action);
    if (profile) {
      size_t key = action.index() * 10;
      if (const auto* up = std::get_if<LinkUp>(&action)) key += up->name == "lo" ? 1 : (nns.empty() ? 2 : 3);
      auto& p = prof[key];
      p.first += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      p.second++;
    }
    if (!s) {
      Error err = std::move(s).error();
      const std::string& where = failed_node.empty() ? node : failed_node;
      if (!where.empty()) err.context("node " + q(where));
      err.context("lab " + q(lab.name));
      return undo(std::move(err));
    }
  }
  if (Status s = finish_rules(); !s) return undo(Error(s.error()).context("lab " + q(lab.name)));
  if (profile) {
    for (const auto& [idx, p] : prof) {
      std::fprintf(stderr, "profile: action %zu: %6zu x %8.1f us = %7.3f s\n", idx, p.second,
                   p.first / static_cast<double>(p.second) * 1e6, p.first);
    }
  }
  journal.status = "up";
  if (Status s = store.write(journal); !s) return std::move(s).error().context("lab " + q(lab.name));
  return journal;
}

}  // namespace latlab::topology
