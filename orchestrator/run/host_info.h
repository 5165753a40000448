// What a run records about the machine and the lab, so that a comparison can
// tell apples from oranges (flent's metadata.py does the same): kernel, CPU,
// clocksource, governor, relevant sysctls, and each lab interface's settings.
#pragma once

#include <nlohmann/json.hpp>

#include "docker/container_runtime.h"
#include "scenario/model.h"
#include "topology/journal.h"
#include "topology/netlink_ops.h"

namespace latlab::run {

// Machine facts only (no lab needed).
nlohmann::json machine_info();
// Per node: relevant per-namespace sysctls and, per lab interface, mtu,
// txqueuelen, qdisc and offloads, read from the live lab.
nlohmann::json lab_settings(const scenario::Lab& lab, topology::NetlinkOps& ops);
// Why a container path costs what it costs: the engine (version, storage
// driver, cgroup version), the root namespace's bridge netfilter and
// conntrack state, and per container its image, how agents ran in it, its
// seccomp and CPU settings and its cgroup.
nlohmann::json docker_settings(const scenario::Lab& lab, const topology::LabState& state,
                               topology::NetlinkOps& ops, docker::ContainerRuntime& runtime);

}  // namespace latlab::run
