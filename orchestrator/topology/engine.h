// The lab lifecycle behind `latlab up/down/ls/inspect/cleanup`: a per-lab lock,
// the journal, the executor and teardown, on one NetlinkOps.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "topology/executor.h"
#include "topology/journal.h"
#include "topology/netlink_ops.h"
#include "topology/plan.h"
#include "topology/teardown.h"

namespace latlab::topology {

// Lab names become paths and namespace names: [A-Za-z0-9_.-], no leading '.'.
Status check_lab_name(const std::string& lab);

struct LiveNode {
  JNode node;
  bool present = false;  // namespace exists (always true for host nodes)
  std::vector<LinkState> links;  // lab interfaces only for the host node
  std::vector<AddrState> addresses;
  std::vector<RouteState> routes;  // netns nodes only
};

struct Inspection {
  LabState state;
  std::vector<LiveNode> nodes;
  std::string global_bridge_nf_call_iptables;  // /proc/sys/net/bridge/... ("" = no br_netfilter)
  std::vector<NetlinkOps::FwRule> fw_rules;     // the lab's live FORWARD ACCEPT rules
};

class Engine {
 public:
  // runtime: the container engine, for labs with docker nodes (nullptr: none).
  Engine(NetlinkOps& ops, FileStateStore& store, docker::ContainerRuntime* runtime = nullptr)
      : ops_(ops), store_(store), runtime_(runtime) {}

  // Refuses a lab that already has a journal.
  Result<LabState> up(const scenario::Lab& lab, const Plan& plan, const ApplyOptions& opt = {});
  Result<TeardownReport> down(const std::string& lab);
  Result<std::vector<LabState>> list();
  Result<Inspection> inspect(const std::string& lab);

  // Crash recovery: teardown from the journal of `lab` (or every journal),
  // then namespaces and host interfaces marked as a lab's but not in any
  // journal: removed when their mark proves them ours, reported otherwise.
  Result<TeardownReport> cleanup(const std::optional<std::string>& lab);

 private:
  Status sweep_orphans(const std::optional<std::string>& lab, TeardownReport& rep);
  Status sweep_docker_orphans(const std::optional<std::string>& lab, const std::set<std::string>& live,
                              TeardownReport& rep);
  TeardownOptions teardown_options() const {
    TeardownOptions o;
    o.runtime = runtime_;
    return o;
  }
  NetlinkOps& ops_;
  FileStateStore& store_;
  docker::ContainerRuntime* runtime_ = nullptr;
};

}  // namespace latlab::topology
