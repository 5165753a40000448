#include "topology/engine.h"

#include "topology/netns.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace latlab::topology {

namespace {
std::string q(const std::string& s) { return "\"" + s + "\""; }
constexpr const char* ns_prefix = "latlab-";
constexpr const char* mark_prefix = "latlab:";
}  // namespace

Status check_lab_name(const std::string& lab) {
  bool ok = !lab.empty() && lab.size() <= 64 && lab[0] != '.';
  for (char c : lab) {
    bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '-' || c == '.';
    ok = ok && good;
  }
  if (!ok) {
    return Error("invalid lab name " + q(lab) + ": use letters, digits, '_', '-' and '.' (not first)", 0,
                 ExitCode::bad_input);
  }
  return Ok{};
}

Result<LabState> Engine::up(const scenario::Lab& lab, const Plan& plan, const ApplyOptions& opt) {
  LATLAB_TRY(check_lab_name(lab.name));
  auto lock = LabLock::acquire(store_.root(), lab.name);
  if (!lock) return std::move(lock).error();
  auto existing = store_.read(lab.name);
  if (!existing) return std::move(existing).error();
  if (existing->has_value()) {
    return Error("lab " + q(lab.name) + " already exists (status " + (*existing)->status + ", journal " +
                     store_.path_of(lab.name) + "); run `latlab down " + lab.name + "` first",
                 EEXIST);
  }
  auto r = apply_plan(ops_, store_, lab, plan, opt);
  if (!r) {
    // Undone completely: the journal is gone, so is the lab's directory.
    auto still = store_.read(lab.name);
    if (still.ok() && !still->has_value()) lock->remove_file();
  }
  return r;
}

Result<TeardownReport> Engine::down(const std::string& lab) {
  LATLAB_TRY(check_lab_name(lab));
  auto lock = LabLock::acquire(store_.root(), lab);
  if (!lock) return std::move(lock).error();
  auto st = store_.read(lab);
  if (!st) return std::move(st).error();
  if (!st->has_value()) {
    lock->remove_file();
    return Error("no lab " + q(lab) + " on this machine (no journal " + store_.path_of(lab) +
                     "); `latlab ls` lists labs, `latlab cleanup " + lab + "` removes leftovers",
                 ENOENT);
  }
  LabState state = std::move(**st);
  state.status = "tearing-down";
  LATLAB_TRY(store_.write(state));
  TeardownReport rep = teardown(ops_, state, teardown_options());
  if (!rep.ok()) {
    state.status = "failed";
    (void)store_.write(state);
    return rep;
  }
  LATLAB_TRY(store_.remove(lab));
  lock->remove_file();
  return rep;
}

Result<std::vector<LabState>> Engine::list() {
  auto labs = store_.labs();
  if (!labs) return std::move(labs).error();
  std::vector<LabState> out;
  for (const auto& l : *labs) {
    auto st = store_.read(l);
    if (!st) return std::move(st).error();
    if (st->has_value()) out.push_back(std::move(**st));
  }
  return out;
}

Result<Inspection> Engine::inspect(const std::string& lab) {
  LATLAB_TRY(check_lab_name(lab));
  auto st = store_.read(lab);
  if (!st) return std::move(st).error();
  if (!st->has_value()) return Error("no lab " + q(lab) + " on this machine; `latlab ls` lists labs", ENOENT);
  Inspection ins;
  ins.state = std::move(**st);
  const std::string mark = scenario::ownership_mark(lab);
  std::set<std::string> present;
  if (auto l = ops_.list_netns(); l) present.insert(l->begin(), l->end());
  for (const auto& n : ins.state.nodes) {
    LiveNode ln;
    ln.node = n;
    ln.present = n.netns.empty() || present.count(n.netns) != 0;
    if (!ln.present) {
      ins.nodes.push_back(std::move(ln));
      continue;
    }
    auto links = ops_.list_links(n.netns);
    if (!links) return std::move(links).error().context("node " + q(n.name));
    auto addrs = ops_.list_addresses(n.netns);
    if (!addrs) return std::move(addrs).error().context("node " + q(n.name));
    std::set<int> keep;
    for (auto& l : *links) {
      // In the host namespace only the lab's own interfaces (and moved-back
      // devices are not ours any more).
      if (n.netns.empty() && l.alias != mark) continue;
      keep.insert(l.ifindex);
      ln.links.push_back(l);
    }
    for (auto& a : *addrs) {
      if (keep.count(a.ifindex) != 0) ln.addresses.push_back(a);
    }
    if (!n.netns.empty()) {
      auto routes = ops_.list_routes(n.netns);
      if (!routes) return std::move(routes).error().context("node " + q(n.name));
      ln.routes = std::move(*routes);
    }
    ins.nodes.push_back(std::move(ln));
  }
  if (auto v = ops_.read_sysctl("", "net.bridge.bridge-nf-call-iptables"); v)
    ins.global_bridge_nf_call_iptables = *v;
  if (!ins.state.fw_rules.empty()) {
    auto rules = ops_.list_bridge_accept_rules();
    if (!rules) return std::move(rules).error();
    for (const auto& r : *rules) {
      if (r.mark == mark) ins.fw_rules.push_back(r);
    }
  }
  return ins;
}

Result<TeardownReport> Engine::cleanup(const std::optional<std::string>& lab) {
  TeardownReport all;
  std::vector<std::string> labs;
  if (lab) {
    LATLAB_TRY(check_lab_name(*lab));
    labs.push_back(*lab);
  } else {
    auto l = store_.labs();
    if (!l) return std::move(l).error();
    labs = std::move(*l);
  }
  for (const auto& name : labs) {
    auto lock = LabLock::acquire(store_.root(), name);
    if (!lock) return std::move(lock).error();
    auto st = store_.read(name);
    if (!st) {
      all.errors.push_back(std::move(st).error());
      continue;
    }
    if (!st->has_value()) {
      // No journal: nothing was created. A journal cut off while being
      // written (its .tmp) lists nothing that exists yet.
      (void)store_.remove(name);
      lock->remove_file();
      continue;
    }
    TeardownReport rep = teardown(ops_, **st, teardown_options());
    all.removed.insert(all.removed.end(), rep.removed.begin(), rep.removed.end());
    all.left.insert(all.left.end(), rep.left.begin(), rep.left.end());
    if (rep.ok()) {
      if (Status s = store_.remove(name); !s) all.errors.push_back(std::move(s).error());
      lock->remove_file();
    } else {
      all.errors.insert(all.errors.end(), rep.errors.begin(), rep.errors.end());
    }
  }
  if (Status s = sweep_orphans(lab, all); !s) all.errors.push_back(std::move(s).error());
  return all;
}

// A /run/netns entry that is a symbolic link to nothing.
static bool dangling_netns_link(const std::string& name) {
  struct stat l {}, t {};
  const std::string path = netns_path(name);
  return ::lstat(path.c_str(), &l) == 0 && S_ISLNK(l.st_mode) && ::stat(path.c_str(), &t) != 0;
}

// Containers and networks labelled latlab.lab=<lab> whose lab has no journal:
// the label proves them ours. Nothing else of Docker is touched. Without an
// engine that answers there is nothing of Docker to sweep.
Status Engine::sweep_docker_orphans(const std::optional<std::string>& lab, const std::set<std::string>& live,
                                    TeardownReport& rep) {
  if (runtime_ == nullptr || !runtime_->ping()) return Ok{};
  const std::string filter = lab ? std::string(docker::label_lab) + "=" + *lab : std::string(docker::label_lab);
  // One orphan: removed (its label names its lab), or the error kept.
  auto sweep = [&](const std::string& what, const std::string& name, const std::map<std::string, std::string>& labels,
                   Removed::What kind, auto remove) {
    auto owner = labels.find(docker::label_lab);
    if (owner == labels.end() || live.count(owner->second) != 0) return;
    if (Status s = remove(name, owner->second); !s && s.error().sys_errno() != ENOENT) {
      rep.errors.push_back(std::move(s).error());
    } else {
      rep.removed.push_back(
          {owner->second, kind, what + " " + q(name) + " (no journal; labelled " + q(owner->second) + ")"});
    }
  };
  auto containers = runtime_->list_containers(filter);
  if (!containers) return std::move(containers).error();
  for (const auto& c : *containers)
    sweep("container", c.name, c.labels, Removed::What::container,
          [&](const std::string& n, const std::string& l) { return runtime_->remove_container(n, l); });
  auto networks = runtime_->list_networks(filter);
  if (!networks) return std::move(networks).error();
  for (const auto& n : *networks)
    sweep("Docker network", n.name, n.labels, Removed::What::network,
          [&](const std::string& x, const std::string& l) { return runtime_->remove_network(x, l); });
  return Ok{};
}

// Objects with a lab's name or mark that no journal lists (the journal was
// lost, or they belong to no lab at all).
//  - namespace latlab-<lab>-*: removed when its loopback carries the mark
//    "latlab:<lab>" of a lab whose name prefixes the namespace name and which
//    has no journal; reported otherwise.
//  - host interface with alias "latlab:<lab>" and no journal for <lab>:
//    removed (it carries the mark); nothing else in the host is touched.
Status Engine::sweep_orphans(const std::optional<std::string>& lab, TeardownReport& rep) {
  auto journals = store_.labs();
  if (!journals) return std::move(journals).error();
  std::set<std::string> live(journals->begin(), journals->end());
  auto netns = ops_.list_netns();
  if (!netns) return std::move(netns).error();
  const std::string want_prefix = lab ? std::string(ns_prefix) + *lab + "-" : std::string(ns_prefix);
  LATLAB_TRY(sweep_docker_orphans(lab, live, rep));
  for (const auto& ns : *netns) {
    if (ns.rfind(want_prefix, 0) != 0) continue;
    auto m = ops_.netns_mark(ns);
    if (!m && dangling_netns_link(ns)) {
      // A container's namespace link whose container is gone: a dead name.
      if (Status s = ops_.delete_netns(ns); !s) {
        rep.errors.push_back(std::move(s).error());
      } else {
        rep.removed.push_back({"", Removed::What::namespace_, "namespace link " + q(ns) + " (its container is gone)"});
      }
      continue;
    }
    if (!m) {
      rep.errors.push_back(std::move(m).error().context("namespace " + q(ns)));
      continue;
    }
    std::string owner = m->rfind(mark_prefix, 0) == 0 ? m->substr(std::string(mark_prefix).size()) : "";
    bool ours =
        !owner.empty() && (!lab || owner == *lab) && ns.rfind(std::string(ns_prefix) + owner + "-", 0) == 0;
    if (ours && live.count(owner) != 0) continue;  // its journal handles it
    if (!ours) {
      rep.left.push_back("namespace " + q(ns) + " is named like a latlab namespace but does not carry " +
                         (lab ? "the mark of lab " + q(*lab) : std::string("a matching lab mark")) +
                         (m->empty() ? std::string() : " (mark " + q(*m) + ")") + ": left in place");
      continue;
    }
    if (Status s = ops_.delete_netns(ns); !s) {
      rep.errors.push_back(std::move(s).error());
    } else {
      rep.removed.push_back(
          {owner, Removed::What::namespace_, "namespace " + q(ns) + " (no journal; marked " + q(*m) + ")"});
    }
  }
  auto rules = ops_.list_bridge_accept_rules();
  if (!rules) return std::move(rules).error();
  std::vector<NetlinkOps::FwRule> orphans;
  for (const auto& r : *rules) {
    std::string owner = r.mark.substr(std::string(mark_prefix).size());
    if ((lab && owner != *lab) || live.count(owner) != 0) continue;
    orphans.push_back(r);
  }
  std::vector<Status> res = ops_.delete_bridge_accept_rules(orphans);
  for (size_t i = 0; i < res.size(); ++i) {
    if (!res[i] && res[i].error().sys_errno() != ENOENT) {
      rep.errors.push_back(res[i].error());
    } else if (res[i]) {
      rep.removed.push_back({orphans[i].mark.substr(std::string(mark_prefix).size()), Removed::What::rule,
                             std::string(orphans[i].family == 4 ? "iptables" : "ip6tables") +
                                 " rule for bridge " + q(orphans[i].bridge) + " (no journal; marked " +
                                 q(orphans[i].mark) + ")"});
    }
  }
  auto links = ops_.list_links("");
  if (!links) return std::move(links).error();
  for (const auto& l : *links) {
    if (l.alias.rfind(mark_prefix, 0) != 0) continue;
    std::string owner = l.alias.substr(std::string(mark_prefix).size());
    if (lab && owner != *lab) continue;
    if (live.count(owner) != 0) continue;
    if (Status s = ops_.delete_link("", l.name); !s && s.error().sys_errno() != ENODEV) {
      rep.errors.push_back(std::move(s).error());
    } else {
      rep.removed.push_back({owner, Removed::What::interface,
                             "interface " + q(l.name) + " (no journal; marked " + q(l.alias) + ")"});
    }
  }
  return Ok{};
}

}  // namespace latlab::topology
