// Applies a Plan: journal first (every object of the plan is written to the
// lab's journal before any of it is created), then the kernel, action by
// action, marking each created interface with the lab's mark. A failure
// half-way undoes what was created, in reverse, and returns
//   lab "demo": node "b": add address 198.18.0.2/24 to "eth0": File exists (EEXIST)
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "docker/container_runtime.h"
#include "scenario/model.h"
#include "topology/journal.h"
#include "topology/netlink_ops.h"
#include "topology/plan.h"
#include "topology/teardown.h"

namespace latlab::topology {

// A random locally administered unicast MAC address.
scenario::MacAddr random_mac();

struct ApplyOptions {
  std::string scenario_path;
  std::function<scenario::MacAddr()> mac_source = random_mac;
  TeardownOptions undo;
  // Checked between actions: when set, `up` stops, undoes and fails with
  // ExitCode::interrupted (SIGINT/SIGTERM handlers set it).
  const std::atomic<bool>* cancel = nullptr;
  // The container engine, for docker nodes and docker-network links (a lab
  // with them fails before touching anything without one), and the host's
  // latlab-agent, which the agent image holds and other images get copied in.
  docker::ContainerRuntime* runtime = nullptr;
  std::string agent_path;
  // Journalled with the lab before anything is built: the other hosts of a
  // multi-host lab (the controller's journal), or the host this part is.
  std::vector<JHost> hosts;
  std::string part;
};

// Before anything is touched: the engine answers and every image a docker
// node names is on this machine (the agent image may be missing: up builds
// it). Exit code 3 otherwise.
Status check_container_engine(const Plan& plan, const ApplyOptions& opt);

// The journal the plan will produce (status "building"), reading what must be
// restored later (moved devices, host sysctls) from the kernel.
Result<LabState> journal_for(NetlinkOps& ops, const scenario::Lab& lab, const Plan& plan,
                             const ApplyOptions& opt);

// Builds the lab. On success the journal has status "up". On failure the
// created objects are removed again and the journal deleted (or, if the undo
// itself failed, kept with status "failed" for `latlab cleanup`).
Result<LabState> apply_plan(NetlinkOps& ops, StateStore& store, const scenario::Lab& lab,
                            const Plan& plan, const ApplyOptions& opt = {});

}  // namespace latlab::topology
