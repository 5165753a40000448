// Each family of subcommands registers itself on the CLI app; main.cpp only wires.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace latlab::cli {

// A subcommand's action: returns the process exit code. Throws FatalError for
// user-facing errors (caught in main).
using Action = std::function<int()>;

struct Registry {
  CLI::App& app;
  Action* selected;  // set by the subcommand's callback
};

void add_scenario_commands(Registry& reg);  // validate, plan
void add_topology_commands(Registry& reg);  // up, down, ls, inspect, exec, cleanup
void add_run_commands(Registry& reg);       // run
void add_report_commands(Registry& reg);    // report, compare
void add_image_commands(Registry& reg);     // image build
void add_nightly_commands(Registry& reg);   // nightly, nights, baseline, note, gc
void add_hosts_commands(Registry& reg);     // part-up, spawn (hidden: the far side of a multi-host lab)

}  // namespace latlab::cli
