// Helpers shared by subcommands.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "docker/container_runtime.h"
#include "remote/fleet.h"
#include "topology/real_netlink_ops.h"
#include "scenario/load.h"

namespace latlab::cli {

// Loads and validates a scenario; on errors prints every diagnostic to stderr
// (one line each) and throws FatalError with ExitCode::bad_input.
// hosts_file: an inventory (`--hosts`) whose hosts replace and add to the
// scenario's; "" = none.
scenario::LoadResult load_lab_or_throw(const std::string& path, const std::string& hosts_file = "");
// The inventory's hosts, or its errors printed and FatalError (bad_input).
std::vector<scenario::Host> load_inventory_or_throw(const std::string& hosts_file);

// RealNetlinkOps with the descriptor limit raised (3 per namespace), or
// FatalError (exit 3).
std::unique_ptr<topology::RealNetlinkOps> make_netlink_ops();

// The binaries a lab's other hosts get (remote/fleet.h): latlab-stripped
// next to this latlab when it is at least as new, else this latlab; and
// latlab-agent (FatalError when missing).
remote::Binaries own_binaries();
// The lab's other hosts over latlab's SSH options (FatalError when the
// control directory cannot be made).
std::unique_ptr<remote::Fleet> make_fleet(process::ProcessLauncher& local, std::vector<topology::JHost> hosts);

// True when stdout is a terminal (progress, colours).
bool stdout_is_tty();

// latlab-agent next to this latlab, else in PATH; nullopt when neither.
std::optional<std::string> find_agent();
// The same, or FatalError (exit 3) naming how to build it.
std::string agent_path();

// The Docker engine at $DOCKER_HOST (unix://) or /var/run/docker.sock. Makes
// no connection until it is asked something.
std::unique_ptr<docker::ContainerRuntime> make_container_runtime();

}  // namespace latlab::cli
