// Removing a lab: only what the journal lists AND the kernel marks as ours.
// Used by `down`, by the undo of a failed `up`, and by `cleanup`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "docker/container_runtime.h"
#include "topology/journal.h"
#include "topology/netlink_ops.h"

namespace latlab::topology {

// One object teardown removed or put back.
struct Removed {
  enum class What { namespace_, interface, device, rule, sysctl, container, network };
  std::string lab;  // whose it was
  What what = What::interface;
  std::string text;  // "namespace \"latlab-demo-a\"", "interface \"br0\""
};

struct TeardownReport {
  std::vector<Removed> removed;
  std::vector<std::string> left;  // objects with our name but not our mark: reported, kept
  std::vector<Error> errors;      // what could not be undone
  bool ok() const { return errors.empty(); }
};

struct TeardownOptions {
  // How long to wait for host-side veth ends to vanish after their peers'
  // namespaces were deleted (the kernel destroys namespaces asynchronously).
  std::chrono::milliseconds settle_timeout{30000};
  // ...but when none vanished for this long (a process inside keeps the
  // namespace alive), delete the remaining host ends one by one.
  std::chrono::milliseconds stall_timeout{1500};
  // Removes the lab's containers and Docker networks (by name, and only
  // those labelled latlab.lab=<lab>); required when the journal lists any.
  docker::ContainerRuntime* runtime = nullptr;
  // A container or Docker network the journal lists without the engine's id
  // was being created when latlab died, and the engine may still finish it:
  // absent, it is looked for again this long (found by bench/chaos).
  std::chrono::milliseconds in_flight_wait{3000};
};

// One line per lab: `lab "demo": removed 3 namespaces, 4 interfaces, 1
// firewall rule; gave back 1 device; restored 2 sysctls`.
std::vector<std::string> summary_lines(const TeardownReport& rep);

// Order: give back moved devices, delete host routes, neighbours and firewall
// rules, delete namespaces, wait for the kernel to destroy them (their host
// veth ends go with them), delete host-namespace interfaces (bridges are then
// port-less and cheap to delete), restore sysctls newest first.
TeardownReport teardown(NetlinkOps& ops, const LabState& state, const TeardownOptions& opt = {});

// Is this interface ours? Marked with the lab's alias, or unmarked but still
// carrying the MAC address journalled before it was created.
bool link_is_ours(const LinkState& l, const std::string& mark, const scenario::MacAddr& journalled_mac);

}  // namespace latlab::topology
