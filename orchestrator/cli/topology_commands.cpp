// up, down, ls, inspect, exec, cleanup: the topology engine's commands.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <optional>

#include "cli/commands.h"

#include "cli/common.h"
#include "process/real_launcher.h"
#include "remote/lab_across.h"
#include "topology/engine.h"
#include "topology/netns.h"
#include "topology/plan.h"
#include "topology/real_netlink_ops.h"
#include "util/result.h"

namespace latlab::cli {

namespace {

using nlohmann::json;
using topology::Engine;
using topology::FileStateStore;

std::atomic<bool> g_cancel{false};
void on_signal(int /*sig*/) { g_cancel.store(true); }

std::string q(const std::string& s) { return "\"" + s + "\""; }

void require_root(const char* cmd) {
  if (::geteuid() != 0) {
    throw FatalError(
        std::string("`latlab ") + cmd +
            "` needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN: it works on the kernel's namespaces and interfaces)",
        ExitCode::environment);
  }
}

std::unique_ptr<topology::RealNetlinkOps> make_ops() { return make_netlink_ops(); }

[[noreturn]] void fail(const Error& e) { throw FatalError(e); }

const char* role_name(scenario::IfRole r) {
  switch (r) {
    case scenario::IfRole::veth:
      return "veth";
    case scenario::IfRole::bridge:
      return "bridge";
    case scenario::IfRole::bridge_port:
      return "bridge-port";
    case scenario::IfRole::bridge_member:
      return "veth";
    case scenario::IfRole::phys_moved:
      return "phys";
    case scenario::IfRole::macvlan:
      return "macvlan";
    case scenario::IfRole::vxlan:
      return "vxlan";
    case scenario::IfRole::container:
      return "container";
    case scenario::IfRole::docker_bridge:
      return "docker-bridge";
  }
  return "?";
}

// ------------------------------------------------------------------ up

int run_up(const std::string& file, bool as_json) {
  require_root("up");
  auto loaded = load_lab_or_throw(file);
  const scenario::Lab& lab = *loaded.lab;
  auto ops = make_ops();
  // LATLAB_JOURNAL_FSYNC=1 fsyncs each journal write (see docs/topology.md).
  FileStateStore store(FileStateStore::default_root(), std::getenv("LATLAB_JOURNAL_FSYNC") != nullptr);
  auto runtime = make_container_runtime();
  Engine engine(*ops, store, runtime.get());

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  topology::ApplyOptions opt;
  opt.scenario_path = file;
  opt.cancel = &g_cancel;
  opt.runtime = runtime.get();
  opt.agent_path = find_agent().value_or("");
  auto t0 = std::chrono::steady_clock::now();
  // A lab across machines: this machine's part, then every other host's.
  process::RealLauncher local;
  std::unique_ptr<remote::Fleet> fleet;
  std::optional<remote::AcrossUp> across;
  Result<topology::LabState> r = Error("not built");
  topology::Plan plan = topology::make_plan(lab, scenario::kLocalHost);
  if (auto hosts = remote::remote_hosts(lab); !hosts.empty()) {
    fleet = make_fleet(local, std::move(hosts));
    auto a = remote::up_across(engine, store, *fleet, lab, remote::part_payload(file, loaded.text, lab), opt);
    if (a) {
      across = std::move(*a);
      r = across->state;
    } else {
      r = a.error();
    }
  } else {
    r = engine.up(lab, plan, opt);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r) fail(r.error());
  // Every node with where it lives: this machine's from its journal, the
  // others' as their hosts built them.
  std::vector<std::pair<std::string, topology::JNode>> placed;
  for (const auto& n : r->nodes) placed.emplace_back(scenario::kLocalHost, n);
  if (across)
    for (const auto& h : across->state.hosts)
      for (const auto& n : h.nodes) placed.emplace_back(h.name, n);

  if (as_json) {
    json j = {{"lab", lab.name},
              {"status", "up"},
              {"seconds", secs},
              {"actions", plan.actions.size()},
              {"journal", store.path_of(lab.name)},
              {"nodes", json::array()}};
    if (across) {
      j["hosts"] = json::array();
      for (const auto& h : across->hosts)
        j["hosts"].push_back({{"name", h.host}, {"binaries_copied", h.copied}});
    }
    for (const auto& [host, n] : placed) {
      json jn = {{"name", n.name},
                 {"kind", n.kind},
                 {"host", host},
                 {"netns", n.netns},
                 {"interfaces", json::array()}};
      for (const auto* i : lab.interfaces_of(n.name)) {
        json ji = {{"name", i->name}, {"role", role_name(i->role)}, {"addresses", json::array()}};
        for (const auto& a : i->addresses) ji["addresses"].push_back(a.str());
        if (!i->peer.empty()) ji["peer"] = i->peer;
        if (!i->master.empty()) ji["master"] = i->master;
        if (!i->parent.empty()) ji["parent"] = i->parent;
        jn["interfaces"].push_back(ji);
      }
      j["nodes"].push_back(jn);
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  if (across) {
    std::printf("lab \"%s\" is up on %zu hosts: %zu nodes, %zu interfaces in %.3f s\n", lab.name.c_str(),
                across->hosts.size() + (r->nodes.empty() ? 0 : 1), lab.nodes.size(), lab.interfaces.size(),
                secs);
    for (const auto& h : across->hosts)
      if (h.copied) std::printf("host %s: latlab's binaries copied to %s\n", h.host.c_str(), kRemoteBinDir);
  } else {
    std::printf("lab \"%s\" is up: %zu nodes, %zu interfaces, %zu actions in %.3f s\n", lab.name.c_str(),
                lab.nodes.size(), lab.interfaces.size(), plan.actions.size(), secs);
  }
  for (const auto& [host, n] : placed) {
    const std::string on = across ? " on " + host : "";
    if (n.netns.empty()) {
      std::printf("node %s (%s)%s\n", n.name.c_str(), n.kind.c_str(), on.c_str());
    } else {
      std::printf("node %s (%s %s)%s\n", n.name.c_str(), n.kind.c_str(), n.netns.c_str(), on.c_str());
    }
    for (const auto* i : lab.interfaces_of(n.name)) {
      std::string addrs;
      for (const auto& a : i->addresses) addrs += (addrs.empty() ? "" : " ") + a.str();
      std::string extra;
      if (!i->peer.empty()) extra += " peer " + i->peer;
      if (!i->master.empty()) extra += " master " + i->master;
      if (!i->parent.empty()) extra += " on " + i->parent;
      std::printf("  %-15s %-11s %-24s%s\n", i->name.c_str(), role_name(i->role),
                  addrs.empty() ? "-" : addrs.c_str(), extra.c_str());
    }
  }
  return 0;
}

// ------------------------------------------------------------------ down / cleanup

// One summary line per lab; with verbose, every object first.
int print_report(const topology::TeardownReport& rep, bool verbose, const std::string& suffix = "") {
  if (verbose) {
    for (const auto& r : rep.removed) std::printf("removed %s\n", r.text.c_str());
  }
  for (const auto& line : topology::summary_lines(rep)) std::printf("%s%s\n", line.c_str(), suffix.c_str());
  for (const auto& l : rep.left) std::fprintf(stderr, "latlab: warning: %s\n", l.c_str());
  for (const auto& e : rep.errors) std::fprintf(stderr, "latlab: error: %s\n", e.message().c_str());
  return rep.ok() ? 0 : to_int(ExitCode::failure);
}

// down or cleanup of a lab whose journal names other hosts: theirs first,
// each line of theirs prefixed with the host.
int teardown_across(Engine& engine, FileStateStore& store, const std::string& lab,
                    std::vector<topology::JHost> hosts, bool cleanup, bool verbose) {
  process::RealLauncher local;
  auto fleet = make_fleet(local, std::move(hosts));
  auto t0 = std::chrono::steady_clock::now();
  auto r = remote::down_across(engine, store, *fleet, lab, cleanup, verbose);
  fleet->close();
  const std::string took =
      fmt::format(" ({:.3f} s)", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  for (const auto& h : r.hosts) {
    for (const auto& line : h.lines) std::printf("host %s: %s\n", h.host.c_str(), line.c_str());
    if (!h.ok) std::fprintf(stderr, "latlab: error: %s\n", h.error.c_str());
  }
  for (const auto& l : r.left) std::fprintf(stderr, "latlab: warning: %s\n", l.c_str());
  int rc = 0;
  if (r.local) rc = print_report(*r.local, verbose, took);
  if (r.local_error) {
    std::fprintf(stderr, "latlab: error: %s\n", r.local_error->message().c_str());
    rc = to_int(ExitCode::failure);
  }
  return r.ok() && rc == 0 ? 0 : to_int(ExitCode::failure);
}

int run_down(const std::string& lab, bool verbose) {
  require_root("down");
  auto ops = make_ops();
  FileStateStore store(FileStateStore::default_root());
  auto runtime = make_container_runtime();
  Engine engine(*ops, store, runtime.get());
  if (Status s = topology::check_lab_name(lab); !s) fail(s.error());
  if (auto hosts = remote::journal_hosts(store, lab); !hosts.empty())
    return teardown_across(engine, store, lab, std::move(hosts), false, verbose);
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine.down(lab);
  if (!r) fail(r.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string took = fmt::format(" ({:.3f} s)", secs);
  int rc = print_report(*r, verbose, took);
  if (rc == 0 && r->removed.empty())
    std::printf("lab \"%s\": nothing was left to remove%s\n", lab.c_str(), took.c_str());
  return rc;
}

int run_cleanup(const std::string& lab, bool all, bool verbose) {
  require_root("cleanup");
  if (lab.empty() && !all) throw FatalError("cleanup needs a LAB or --all", ExitCode::bad_input);
  if (!lab.empty() && all) throw FatalError("cleanup takes a LAB or --all, not both", ExitCode::bad_input);
  auto ops = make_ops();
  FileStateStore store(FileStateStore::default_root());
  auto runtime = make_container_runtime();
  Engine engine(*ops, store, runtime.get());
  int across_rc = 0;
  std::vector<std::string> labs;
  if (all) {
    if (auto l = store.labs()) labs = *l;
  } else {
    if (Status s = topology::check_lab_name(lab); !s) fail(s.error());
    labs = {lab};
  }
  for (const auto& name : labs) {
    auto hosts = remote::journal_hosts(store, name);
    if (hosts.empty()) continue;
    if (teardown_across(engine, store, name, std::move(hosts), true, verbose) != 0)
      across_rc = to_int(ExitCode::failure);
    if (!all) return across_rc;
  }
  auto r = engine.cleanup(all ? std::nullopt : std::optional<std::string>(lab));
  if (!r) fail(r.error());
  int rc = print_report(*r, verbose);
  if (rc == 0 && r->removed.empty() && r->left.empty()) std::printf("nothing to clean up\n");
  return rc != 0 ? rc : across_rc;
}

// ------------------------------------------------------------------ ls

int run_ls(bool as_json) {
  FileStateStore store(FileStateStore::default_root());
  // Listing reads journals only: no root, no kernel.
  auto labs = store.labs();
  if (!labs) fail(labs.error());
  json out = json::array();
  if (!as_json && labs->empty()) {
    std::printf("no labs\n");
    return 0;
  }
  if (!as_json)
    std::printf("%-20s %-13s %6s %6s %8s  %s\n", "LAB", "STATUS", "NODES", "LINKS", "PID", "SCENARIO");
  for (const auto& name : *labs) {
    auto st = store.read(name);
    if (!st) fail(st.error());
    if (!st->has_value()) continue;
    const auto& s = **st;
    bool alive = s.pid > 0 && ::kill(s.pid, 0) == 0;
    std::string status = s.status;
    if (status != "up" && !alive) status += " (stale)";
    if (as_json) {
      out.push_back({{"lab", s.lab},
                     {"status", status},
                     {"nodes", s.nodes.size()},
                     {"links", s.links.size()},
                     {"namespaces", s.namespaces.size()},
                     {"pid", s.pid},
                     {"scenario", s.scenario},
                     {"created_unix", s.created_unix},
                     {"journal", store.path_of(name)}});
    } else {
      std::printf("%-20s %-13s %6zu %6zu %8d  %s\n", s.lab.c_str(), status.c_str(), s.nodes.size(),
                  s.links.size(), s.pid, s.scenario.c_str());
    }
  }
  if (as_json) std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

// ------------------------------------------------------------------ inspect

std::string route_line(const topology::RouteState& r, const std::map<int, std::string>& names) {
  std::string s = r.dst ? r.dst->str() : std::string("default");
  if (r.via) s += " via " + r.via->str();
  if (auto it = names.find(r.oif); it != names.end()) s += " dev " + it->second;
  if (!r.proto.empty()) s += " proto " + r.proto;
  if (!r.scope.empty() && r.scope != "global" && r.scope != "universe") s += " scope " + r.scope;
  if (r.type != "unicast") s = r.type + " " + s;
  if (r.metric != 0) s += " metric " + std::to_string(r.metric);
  return s;
}

std::string nf_text(const std::optional<bool>& v) { return v ? (*v ? "on" : "off") : "?"; }

int run_inspect(const std::string& lab, bool as_json) {
  require_root("inspect");
  auto ops = make_ops();
  FileStateStore store(FileStateStore::default_root());
  Engine engine(*ops, store);
  auto r = engine.inspect(lab);
  if (!r) fail(r.error());
  const auto& ins = *r;
  const std::string global = ins.global_bridge_nf_call_iptables;
  std::string nf_summary;
  if (global.empty()) {
    nf_summary = "br_netfilter is not loaded: bridged traffic never meets iptables";
  } else if (global == "0") {
    nf_summary = "host-wide net.bridge.bridge-nf-call-iptables=0: bridged traffic does not meet iptables";
  } else {
    nf_summary =
        "host-wide net.bridge.bridge-nf-call-iptables=" + global +
        " (left unchanged). Lab bridges have nf_call_iptables/ip6tables/arptables off, but the kernel "
        "ORs that with the host-wide value";
    if (ins.fw_rules.empty()) {
      nf_summary += "; lab bridges in namespaces are unaffected";
    } else {
      nf_summary +=
          ", so latlab added FORWARD ACCEPT rules for traffic between a host bridge's own ports "
          "(the FORWARD policy is untouched):";
      for (const auto& r : ins.fw_rules) {
        nf_summary += std::string(" ") + (r.family == 4 ? "iptables" : "ip6tables") + " -i " + r.bridge +
                      " -o " + r.bridge + " -m comment --comment " + r.mark + " -j ACCEPT;";
      }
      nf_summary.pop_back();
    }
  }
  if (as_json) {
    json j = {{"lab", ins.state.lab},
              {"status", ins.state.status},
              {"scenario", ins.state.scenario},
              {"pid", ins.state.pid},
              {"created_unix", ins.state.created_unix},
              {"bridge_netfilter",
               {{"global_bridge_nf_call_iptables", global},
                {"summary", nf_summary},
                {"bridges", json::array()},
                {"forward_rules", json::array()}}},
              {"nodes", json::array()}};
    for (const auto& r : ins.fw_rules) {
      j["bridge_netfilter"]["forward_rules"].push_back(
          {{"family", r.family}, {"bridge", r.bridge}, {"comment", r.mark}, {"target", "ACCEPT"}});
    }
    for (const auto& n : ins.nodes) {
      std::map<int, std::string> names;
      for (const auto& l : n.links) names[l.ifindex] = l.name;
      json jn = {{"name", n.node.name},  {"kind", n.node.kind},         {"netns", n.node.netns},
                 {"present", n.present}, {"interfaces", json::array()}, {"routes", json::array()}};
      for (const auto& l : n.links) {
        json jl = {{"name", l.name},
                   {"ifindex", l.ifindex},
                   {"kind", l.kind},
                   {"up", l.up},
                   {"lower_up", l.lower_up},
                   {"operstate", l.operstate},
                   {"mtu", l.mtu},
                   {"txqueuelen", l.txqueuelen},
                   {"mac", l.mac ? l.mac->str() : ""},
                   {"alias", l.alias},
                   {"qdisc", l.qdisc},
                   {"addresses", json::array()},
                   {"counters",
                    {{"rx_packets", l.rx_packets},
                     {"tx_packets", l.tx_packets},
                     {"rx_bytes", l.rx_bytes},
                     {"tx_bytes", l.tx_bytes},
                     {"rx_dropped", l.rx_dropped},
                     {"tx_dropped", l.tx_dropped},
                     {"rx_errors", l.rx_errors},
                     {"tx_errors", l.tx_errors}}}};
        if (l.master != 0) jl["master"] = names.count(l.master) ? names[l.master] : std::to_string(l.master);
        for (const auto& a : n.addresses) {
          if (a.ifindex == l.ifindex) jl["addresses"].push_back(a.prefix.str());
        }
        if (l.bridge) {
          jl["nf_call_iptables"] = nf_text(l.nf_call_iptables);
          jl["nf_call_ip6tables"] = nf_text(l.nf_call_ip6tables);
          jl["nf_call_arptables"] = nf_text(l.nf_call_arptables);
          j["bridge_netfilter"]["bridges"].push_back({{"node", n.node.name},
                                                      {"bridge", l.name},
                                                      {"nf_call_iptables", nf_text(l.nf_call_iptables)},
                                                      {"nf_call_ip6tables", nf_text(l.nf_call_ip6tables)},
                                                      {"nf_call_arptables", nf_text(l.nf_call_arptables)}});
        }
        jn["interfaces"].push_back(jl);
      }
      for (const auto& rt : n.routes) jn["routes"].push_back(route_line(rt, names));
      j["nodes"].push_back(jn);
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("lab \"%s\": status %s, scenario %s, pid %d\n", ins.state.lab.c_str(), ins.state.status.c_str(),
              ins.state.scenario.c_str(), ins.state.pid);
  std::printf("bridge netfilter: %s\n", nf_summary.c_str());
  for (const auto& n : ins.nodes) {
    if (n.node.netns.empty()) {
      std::printf("node %s (%s)\n", n.node.name.c_str(), n.node.kind.c_str());
    } else {
      std::printf("node %s (%s %s)%s\n", n.node.name.c_str(), n.node.kind.c_str(), n.node.netns.c_str(),
                  n.present ? "" : ": namespace MISSING");
    }
    std::map<int, std::string> names;
    for (const auto& l : n.links) names[l.ifindex] = l.name;
    for (const auto& l : n.links) {
      std::string addrs;
      for (const auto& a : n.addresses) {
        if (a.ifindex == l.ifindex) addrs += (addrs.empty() ? "" : " ") + a.prefix.str();
      }
      std::printf(
          "  %-15s %-7s %-4s mtu %-5u %s%s\n", l.name.c_str(), l.kind.empty() ? "-" : l.kind.c_str(),
          l.up ? (l.lower_up ? "UP" : "up") : "DOWN", l.mtu, l.mac ? l.mac->str().c_str() : "",
          l.master != 0
              ? (" master " + (names.count(l.master) ? names[l.master] : std::to_string(l.master))).c_str()
              : "");
      if (!addrs.empty()) std::printf("      addr %s\n", addrs.c_str());
      std::printf("      rx %llu pkts %llu B %llu drop   tx %llu pkts %llu B %llu drop   qdisc %s\n",
                  static_cast<unsigned long long>(l.rx_packets), static_cast<unsigned long long>(l.rx_bytes),
                  static_cast<unsigned long long>(l.rx_dropped),
                  static_cast<unsigned long long>(l.tx_packets), static_cast<unsigned long long>(l.tx_bytes),
                  static_cast<unsigned long long>(l.tx_dropped), l.qdisc.c_str());
      if (l.bridge) {
        std::printf(
            "      bridge netfilter: nf_call_iptables %s, nf_call_ip6tables %s, nf_call_arptables %s\n",
            nf_text(l.nf_call_iptables).c_str(), nf_text(l.nf_call_ip6tables).c_str(),
            nf_text(l.nf_call_arptables).c_str());
      }
    }
    if (!n.routes.empty()) {
      std::printf("  routes:\n");
      for (const auto& rt : n.routes) std::printf("    %s\n", route_line(rt, names).c_str());
    }
  }
  return 0;
}

// ------------------------------------------------------------------ exec

// The network namespace of a lab's node ("" for a host node); throws for an
// unknown lab or node.
std::string node_netns(const std::string& lab, const std::string& node) {
  if (Status s = topology::check_lab_name(lab); !s) fail(s.error());
  FileStateStore store(FileStateStore::default_root());
  auto st = store.read(lab);
  if (!st) fail(st.error());
  if (!st->has_value())
    throw FatalError("no lab " + q(lab) + " on this machine; `latlab ls` lists labs", ExitCode::failure);
  const topology::JNode* n = (*st)->find_node(node);
  if (n == nullptr) {
    std::string known;
    for (const auto& x : (*st)->nodes) known += (known.empty() ? "" : ", ") + x.name;
    throw FatalError("lab " + q(lab) + " has no node " + q(node) + "; its nodes are " + known,
                     ExitCode::bad_input);
  }
  return n->netns;
}

// A command that could not be started: 127 when it is not installed (as a
// shell says), 126 for anything else (the node's namespace, the exec).
int exec_failed(const Error& e) {
  std::fprintf(stderr, "latlab: error: %s\n", e.message().c_str());
  return e.exit_code() == ExitCode::environment ? 127 : 126;
}

int run_exec(const std::string& lab, const std::string& node, const std::vector<std::string>& cmd) {
  require_root("exec");
  process::SpawnSpec spec;
  spec.argv = cmd;
  spec.interactive = true;  // the terminal's stdio and process group
  if (const std::string ns = node_netns(lab, node); !ns.empty()) {
    spec.netns_path = topology::netns_path(ns);
    spec.netns_sysfs = true;  // like `ip netns exec`: /sys/class/net lists the node's interfaces
  }
  std::fflush(nullptr);
  process::RealLauncher launcher;
  auto child = launcher.spawn(spec);
  if (!child) return exec_failed(Error(child.error()).context("lab " + q(lab) + ": node " + q(node)));
  ::signal(SIGINT, SIG_IGN);  // the child gets the terminal's signals and decides
  ::signal(SIGQUIT, SIG_IGN);
  auto code = (*child)->wait(process::Child::no_timeout);
  if (!code) fail(code.error());
  return *code;
}

}  // namespace

void add_topology_commands(Registry& reg) {
  struct Opts {
    std::string file, lab, node;
    std::vector<std::string> cmd;
    bool json = false, all = false, verbose = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sel = reg.selected;

  auto* up = reg.app.add_subcommand(
      "up",
      "Build a scenario's lab in the kernel (namespaces, veths, bridges, addresses, routes, sysctls, "
      "qdiscs) and leave it running; print its nodes, interfaces and addresses. Refuses a lab that "
      "already exists. Needs root. A failure half-way removes what was built. A lab with nodes on other "
      "hosts is built on each of them by its own latlab over SSH (copied to /run/latlab/.bin there when "
      "missing or stale), in parallel.");
  up->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  up->add_flag("--json", o->json, "print the built lab as JSON");
  up->callback([o, sel] { *sel = [o] { return run_up(o->file, o->json); }; });

  auto* down = reg.app.add_subcommand(
      "down",
      "Remove a lab: only objects its journal lists and the kernel marks as ours; give back moved "
      "devices and restore changed host sysctls; on every other host of the lab too, over SSH (a host "
      "that does not answer is named with what is left there, for `latlab cleanup LAB`). Needs root.");
  down->add_option("LAB", o->lab, "lab name (see `latlab ls`)")->required();
  down->add_flag("-v,--verbose", o->verbose, "also print every object removed, given back or restored");
  down->callback([o, sel] { *sel = [o] { return run_down(o->lab, o->verbose); }; });

  auto* ls =
      reg.app.add_subcommand("ls", "List the labs on this machine (from their journals under /run/latlab)");
  ls->add_flag("--json", o->json, "print as JSON");
  ls->callback([o, sel] { *sel = [o] { return run_ls(o->json); }; });

  auto* ins = reg.app.add_subcommand(
      "inspect",
      "Show a lab live from the kernel: interfaces, addresses, routes, counters, and whether its "
      "bridges bypass bridge netfilter. Needs root.");
  ins->add_option("LAB", o->lab, "lab name")->required();
  ins->add_flag("--json", o->json, "print as JSON");
  ins->callback([o, sel] { *sel = [o] { return run_inspect(o->lab, o->json); }; });

  auto* ex = reg.app.add_subcommand(
      "exec",
      "Run a command inside a node of a lab: `latlab exec LAB NODE -- CMD ARGS...`. The argv is "
      "executed directly (no shell); exits with the command's exit code (128+N if killed by signal "
      "N, 127 if not found, 126 if it could not be started). Needs root.");
  ex->add_option("LAB", o->lab, "lab name")->required();
  ex->add_option("NODE", o->node, "node name")->required();
  ex->add_option("CMD", o->cmd, "command and arguments, after --")->required()->expected(-1);
  ex->callback([o, sel] { *sel = [o] { return run_exec(o->lab, o->node, o->cmd); }; });

  auto* cl = reg.app.add_subcommand(
      "cleanup",
      "Recover after a crash: remove what a lab's journal lists and the kernel marks as ours, then "
      "namespaces/interfaces carrying a lab's mark that no journal lists. An object with our name "
      "but without our mark is reported, never deleted. A lab across hosts is cleaned on each of them "
      "over SSH. Needs root.");
  cl->add_option("LAB", o->lab, "lab name");
  cl->add_flag("--all", o->all, "every lab on this machine, and every orphan carrying a latlab mark");
  cl->add_flag("-v,--verbose", o->verbose, "also print every object removed, given back or restored");
  cl->callback([o, sel] { *sel = [o] { return run_cleanup(o->lab, o->all, o->verbose); }; });
}

}  // namespace latlab::cli
