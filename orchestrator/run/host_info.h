// What a run records about the machine and the lab, so that a comparison can
// tell apples from oranges (flent's metadata.py does the same): kernel, CPU,
// clocksource, governor, relevant sysctls, and each lab interface's settings.
#pragma once

#include <nlohmann/json.hpp>

#include "scenario/model.h"
#include "topology/netlink_ops.h"

namespace latlab::run {

// Machine facts only (no lab needed).
nlohmann::json machine_info();
// Per node: relevant per-namespace sysctls and, per lab interface, mtu,
// txqueuelen, qdisc and offloads, read from the live lab.
nlohmann::json lab_settings(const scenario::Lab& lab, topology::NetlinkOps& ops);

}  // namespace latlab::run
