#include "topology/teardown.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

namespace latlab::topology {

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

bool tolerable(const Error& e) {
  int err = e.sys_errno();
  return err == ENOENT || err == ESRCH || err == ENODEV || err == EADDRNOTAVAIL;
}

}  // namespace

bool link_is_ours(const LinkState& l, const std::string& mark, const scenario::MacAddr& mac) {
  if (l.alias == mark) return true;
  return l.alias.empty() && l.mac && *l.mac == mac;
}

// remove(), and when the object is absent (ENOENT) but was never confirmed
// (no id in the journal: its create was in flight), remove() again every
// 100 ms within opt.in_flight_wait, so that one the engine finishes late is
// not left behind.
static Status remove_settled(const std::function<Status()>& remove, bool confirmed, const TeardownOptions& opt) {
  Status s = remove();
  const auto end = std::chrono::steady_clock::now() + opt.in_flight_wait;
  while (!confirmed && !s && s.error().sys_errno() == ENOENT && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    s = remove();
  }
  return s;
}

// Only what carries latlab.lab=<lab>: the runtime refuses anything else
// (EPERM), which is reported and left in place.
template <typename Removed_, typename Fail>
static void remove_containers(const LabState& st, const TeardownOptions& opt, TeardownReport& rep,
                              Removed_& removed, Fail& fail) {
  if (st.containers.empty() && st.docker_networks.empty()) return;
  if (opt.runtime == nullptr) {
    fail(Error("the lab has containers or Docker networks, and no Docker engine is configured to remove them",
               ENOTCONN, ExitCode::environment));
    return;
  }
  auto one = [&](const std::string& what, const std::string& name, Status s, Removed::What kind) {
    if (s) {
      removed(kind, what + " " + q(name));
    } else if (s.error().sys_errno() == EPERM) {
      rep.left.push_back(what + " " + q(name) + " has lab " + q(st.lab) + "'s name but not its label: left in place");
    } else if (s.error().sys_errno() != ENOENT) {
      fail(Error(s.error()));
    }
  };
  // The engine's work dominates (stop, unmount, delete): several at once.
  constexpr size_t kWorkers = 8;
  const size_t n = st.containers.size();
  std::vector<Status> res(n);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k = next++; k < n; k = next++)
      res[k] = remove_settled([&] { return opt.runtime->remove_container(st.containers[k].name, st.lab); },
                              !st.containers[k].id.empty(), opt);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min(n, kWorkers); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  for (size_t k = n; k-- > 0;) one("container", st.containers[k].name, std::move(res[k]), Removed::What::container);
  for (auto it = st.docker_networks.rbegin(); it != st.docker_networks.rend(); ++it)
    one("Docker network", it->name,
        remove_settled([&] { return opt.runtime->remove_network(it->name, st.lab); }, !it->id.empty(), opt),
        Removed::What::network);
}

TeardownReport teardown(NetlinkOps& ops, const LabState& st, const TeardownOptions& opt) {
  TeardownReport rep;
  const std::string mark = scenario::ownership_mark(st.lab);
  // LATLAB_TOPOLOGY_PROFILE=1: time per teardown phase on stderr.
  const bool profile = std::getenv("LATLAB_TOPOLOGY_PROFILE") != nullptr;
  auto t_phase = std::chrono::steady_clock::now();
  auto phase = [&](const char* name) {
    if (!profile) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "profile: teardown %-26s %8.3f ms\n", name,
                 std::chrono::duration<double>(now - t_phase).count() * 1e3);
    t_phase = now;
  };
  auto fail = [&](Error e) { rep.errors.push_back(std::move(e.context("lab " + q(st.lab)))); };
  auto removed = [&](Removed::What what, std::string text) {
    rep.removed.push_back({st.lab, what, std::move(text)});
  };

  // Firewall rules for host bridges: started now, reaped at the end (they are
  // child processes). The delete names our mark in the rule's comment, so it
  // can only remove our own rule; absent = nothing to do.
  std::vector<NetlinkOps::FwRule> rules;
  for (auto it = st.fw_rules.rbegin(); it != st.fw_rules.rend(); ++it)
    rules.push_back({it->family, it->bridge, mark, it->chain, it->dir});
  NetlinkOps::RulesPending rules_pending;
  if (!rules.empty()) rules_pending = ops.start_delete_bridge_accept_rules(rules);

  // 1. Moved devices go back first: deleting the namespace would destroy a
  //    virtual device and strand a physical one without its settings.
  for (auto it = st.phys.rbegin(); it != st.phys.rend(); ++it) {
    const JPhys& p = *it;
    const std::string what = "node " + q(p.node) + ": give back " + q(p.device);
    bool in_root = false;
    if (auto in_ns = ops.list_links(p.netns); in_ns) {
      auto f = std::find_if(in_ns->begin(), in_ns->end(),
                            [&](const LinkState& l) { return l.name == p.new_name; });
      if (f != in_ns->end()) {
        if (Status s = ops.move_link(p.netns, p.new_name, "", p.device); !s) {
          fail(std::move(s).error().context(what));
          continue;
        }
        in_root = true;
      }
    }
    if (!in_root) {
      auto root = ops.list_links("");
      if (!root) {
        fail(std::move(root).error().context(what));
        continue;
      }
      in_root =
          std::any_of(root->begin(), root->end(), [&](const LinkState& l) { return l.name == p.device; });
      if (!in_root) {
        rep.left.push_back("device " + q(p.device) + " of node " + q(p.node) +
                           " is gone: nothing to give back");
        continue;
      }
    }
    if (Status s = ops.set_link_attrs("", p.device, p.mtu, std::nullopt, std::nullopt); !s) {
      fail(std::move(s).error().context(what));
    }
    for (const auto& a : p.addresses) {
      if (Status s = ops.add_address("", p.device, a); !s && s.error().sys_errno() != EEXIST) {
        fail(std::move(s).error().context(what));
      }
    }
    if (Status s = ops.set_up("", p.device, p.up); !s) fail(std::move(s).error().context(what));
    removed(Removed::What::device, "gave back " + q(p.device));
  }

  phase("moved devices");
  // 2. Host-namespace routes and neighbours (those through lab devices vanish
  //    with the devices; these may point at host devices).
  for (auto it = st.routes.rbegin(); it != st.routes.rend(); ++it) {
    if (Status s = ops.delete_route("", it->route); !s && !tolerable(s.error())) {
      fail(std::move(s).error().context("node " + q(it->node)));
    }
  }
  for (auto it = st.neighbors.rbegin(); it != st.neighbors.rend(); ++it) {
    if (Status s = ops.delete_neighbor("", it->neighbor); !s && !tolerable(s.error())) {
      fail(std::move(s).error().context("node " + q(it->node)));
    }
  }

  // Firewall rules for host bridges. The delete names our mark in the rule's
  // comment, so it can only ever remove our own rule; absent = nothing to do.
  phase("routes, neighbours, rules");
  // Which namespaces are ours and will be deleted.
  std::set<std::string> present_ns;
  if (auto l = ops.list_netns(); l) {
    present_ns.insert(l->begin(), l->end());
  } else {
    fail(std::move(l).error());
  }
  std::vector<std::string> delete_ns;
  std::set<std::string> dying;
  std::set<std::string> container_ns;
  for (const auto& c : st.containers) container_ns.insert(c.netns);
  for (auto it = st.namespaces.rbegin(); it != st.namespaces.rend(); ++it) {
    if (present_ns.count(it->name) == 0) continue;
    auto m = ops.netns_mark(it->name);
    if (!m && container_ns.count(it->name) != 0) {
      // The link to a container that is gone already: a dangling name.
      delete_ns.push_back(it->name);
      continue;
    }
    if (!m) {
      fail(std::move(m).error().context("namespace " + q(it->name)));
      continue;
    }
    // Journalled and named like ours; the loopback mark is set right after
    // creation, so an empty one is a crash in between.
    if (!m->empty() && *m != mark) {
      rep.left.push_back("namespace " + q(it->name) + " has lab " + q(st.lab) + "'s name but the mark " +
                         q(*m) + ": left in place");
      continue;
    }
    delete_ns.push_back(it->name);
    dying.insert(it->name);
  }

  phase("namespace marks");
  // 3. Host-namespace interfaces, each checked against the mark (deleted after
  //    the namespaces).
  std::unordered_map<std::string, LinkState> root;
  if (auto l = ops.list_links(""); l) {
    for (auto& x : *l) root.emplace(x.name, std::move(x));
  } else {
    fail(std::move(l).error());
  }
  struct Wait {
    std::string name;
    scenario::MacAddr mac;
  };
  std::vector<Wait> waits;  // host ends that die with their peer's namespace
  struct Delete {
    std::string name, node;
  };
  std::vector<Delete> deletes;  // after the namespaces: a bridge whose ports
                                // are gone is deleted in one cheap step
  for (auto it = st.links.rbegin(); it != st.links.rend(); ++it) {
    const JLink& l = *it;
    // The end of this link that lives in the host namespace, if any.
    std::string host_name;
    scenario::MacAddr host_mac;
    std::string other_ns;
    if (l.netns.empty()) {
      host_name = l.name;
      host_mac = l.mac;
      other_ns = l.has_peer() ? l.peer_netns : "";
    } else if (l.has_peer() && l.peer_netns.empty()) {
      host_name = l.peer_name;
      host_mac = l.peer_mac;
      other_ns = l.netns;
    } else {
      continue;  // entirely inside lab namespaces: goes with them
    }
    auto f = root.find(host_name);
    if (f == root.end()) continue;
    if (!link_is_ours(f->second, mark, host_mac)) {
      rep.left.push_back("interface " + q(host_name) + " has lab " + q(st.lab) + "'s name but not its mark" +
                         (f->second.alias.empty() ? std::string() : " (alias " + q(f->second.alias) + ")") +
                         ": left in place");
      continue;
    }
    if (!other_ns.empty() && dying.count(other_ns) != 0) {
      waits.push_back({host_name, host_mac});
      continue;
    }
    deletes.push_back({host_name, l.netns.empty() ? l.node : l.peer_node});
  }
  phase("host interfaces");
  // 4. Namespaces: deleting one deletes every interface in it.
  std::vector<Status> deleted = ops.delete_netns_many(delete_ns);
  for (size_t i = 0; i < delete_ns.size(); ++i) {
    if (!deleted[i]) {
      fail(Error(deleted[i].error()));
    } else {
      removed(Removed::What::namespace_,
              (container_ns.count(delete_ns[i]) ? "namespace link " : "namespace ") + q(delete_ns[i]));
    }
  }

  phase("delete namespaces");
  // 4b. Containers (their namespaces and the veth ends in them go with them),
  //     then the Docker networks they were on.
  remove_containers(st, opt, rep, removed, fail);
  phase("containers and Docker networks");
  // 5. The kernel destroys namespaces asynchronously: wait until the host ends
  //    of their veths are gone, so the host is back as it was when we return.
  if (!waits.empty()) {
    auto deadline = std::chrono::steady_clock::now() + opt.settle_timeout;
    auto last_progress = std::chrono::steady_clock::now();
    auto delay = std::chrono::milliseconds(1);
    for (;;) {
      auto l = ops.list_links("");
      if (!l) {
        fail(std::move(l).error());
        break;
      }
      std::unordered_map<std::string, const LinkState*> by_name;
      for (const auto& x : *l) by_name.emplace(x.name, &x);
      std::vector<Wait> still;
      for (const auto& w : waits) {
        auto f = by_name.find(w.name);
        if (f != by_name.end() && link_is_ours(*f->second, mark, w.mac)) still.push_back(w);
      }
      auto now = std::chrono::steady_clock::now();
      for (const auto& w : waits)
        if (std::none_of(still.begin(), still.end(), [&](const Wait& x) { return x.name == w.name; }))
          removed(Removed::What::interface, "interface " + q(w.name) + " (with its peer's namespace)");
      if (still.size() < waits.size()) last_progress = now;
      waits.swap(still);
      if (waits.empty()) break;
      // No progress for a while: a process still inside the namespace keeps it
      // alive (an `exec` shell, an agent). Delete the host ends ourselves.
      if (now - last_progress > opt.stall_timeout || now > deadline) {
        for (const auto& w : waits) {
          if (Status s = ops.delete_link("", w.name); !s && !tolerable(s.error())) {
            fail(std::move(s).error());
          } else {
            removed(Removed::What::interface, "interface " + q(w.name));
          }
        }
        break;
      }
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(8));
    }
  }

  phase("wait for the kernel");
  for (const auto& d : deletes) {
    if (Status s = ops.delete_link("", d.name); !s && !tolerable(s.error())) {
      fail(std::move(s).error().context("node " + q(d.node)));
    } else {
      removed(Removed::What::interface, "interface " + q(d.name));
    }
  }
  phase("delete host interfaces");
  if (rules_pending) {
    std::vector<Status> res = rules_pending();
    for (size_t i = 0; i < res.size(); ++i) {
      if (res[i]) {
        removed(Removed::What::rule, std::string(rules[i].family == 4 ? "iptables" : "ip6tables") +
                                         " rule for bridge " + q(rules[i].bridge));
      } else if (res[i].error().sys_errno() != ENOENT) {
        fail(Error(res[i].error()));
      }
    }
  }
  phase("firewall rules (reaped)");
  // 6. Sysctls of the host namespace and global ones, newest change first, so
  //    the oldest journalled value is the one that stays.
  for (auto it = st.sysctls.rbegin(); it != st.sysctls.rend(); ++it) {
    if (Status s = ops.write_sysctl("", it->name, it->old_value); !s) {
      fail(std::move(s).error().context("restore"));
    } else {
      removed(Removed::What::sysctl, "sysctl " + it->name + " restored to " + q(it->old_value));
    }
  }
  return rep;
}

std::vector<std::string> summary_lines(const TeardownReport& rep) {
  using What = Removed::What;
  std::vector<std::string> labs;
  std::map<std::string, std::map<What, size_t>> counts;
  for (const auto& r : rep.removed) {
    if (counts.count(r.lab) == 0) labs.push_back(r.lab);
    ++counts[r.lab][r.what];
  }
  auto n = [](size_t k, const char* one, const char* many) {
    return std::to_string(k) + " " + (k == 1 ? one : many);
  };
  std::vector<std::string> out;
  for (const auto& lab : labs) {
    auto& c = counts[lab];
    std::vector<std::string> gone;
    if (c[What::namespace_]) gone.push_back(n(c[What::namespace_], "namespace", "namespaces"));
    if (c[What::interface]) gone.push_back(n(c[What::interface], "interface", "interfaces"));
    if (c[What::container]) gone.push_back(n(c[What::container], "container", "containers"));
    if (c[What::network]) gone.push_back(n(c[What::network], "Docker network", "Docker networks"));
    if (c[What::rule]) gone.push_back(n(c[What::rule], "firewall rule", "firewall rules"));
    std::string line = lab.empty() ? std::string("unowned objects") : "lab " + q(lab);
    std::string sep = ": ";
    if (!gone.empty()) {
      line += sep + "removed";
      for (size_t i = 0; i < gone.size(); ++i) line += (i ? ", " : " ") + gone[i];
      sep = "; ";
    }
    if (c[What::device]) line += sep + "gave back " + n(c[What::device], "device", "devices"), sep = "; ";
    if (c[What::sysctl]) line += sep + "restored " + n(c[What::sysctl], "sysctl", "sysctls");
    out.push_back(line);
  }
  return out;
}

}  // namespace latlab::topology
