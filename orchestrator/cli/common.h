// Helpers shared by subcommands.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "docker/container_runtime.h"
#include "scenario/load.h"

namespace latlab::cli {

// Loads and validates a scenario; on errors prints every diagnostic to stderr
// (one line each) and throws FatalError with ExitCode::bad_input.
// hosts_file: an inventory (`--hosts`) whose hosts replace and add to the
// scenario's; "" = none.
scenario::LoadResult load_lab_or_throw(const std::string& path, const std::string& hosts_file = "");
// The inventory's hosts, or its errors printed and FatalError (bad_input).
std::vector<scenario::Host> load_inventory_or_throw(const std::string& hosts_file);

// Refuses a lab with nodes on other hosts: this latlab plans such a lab
// (`latlab plan`) but builds and runs only labs on this machine.
void require_one_machine(const scenario::Lab& lab, const std::string& file, const char* command);

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
