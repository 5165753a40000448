// latlab: the command line. Argument wiring only; the work is in the libraries.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "util/result.h"

int main(int argc, char** argv) {
  using latlab::ExitCode;
  CLI::App app{
      "latlab: network latency lab orchestrator. Declare a topology and experiments in a JSON "
      "scenario; latlab builds the lab through netlink, runs its agents, captures and reports.\n\n"
      "Exit codes: 0 ok, 1 failure (a confirmed regression for nightly), 2 usage or input error, 3 "
      "environment error (privilege, missing tool or kernel feature), 4 suspected change only (nightly), "
      "130 interrupted.",
      "latlab"};
  app.set_version_flag("--version", LATLAB_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  latlab::cli::Action selected;
  latlab::cli::Registry reg{app, &selected};
  latlab::cli::add_scenario_commands(reg);
  latlab::cli::add_topology_commands(reg);
  latlab::cli::add_run_commands(reg);
  latlab::cli::add_report_commands(reg);
  latlab::cli::add_image_commands(reg);
  latlab::cli::add_nightly_commands(reg);
  latlab::cli::add_hosts_commands(reg);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : latlab::to_int(ExitCode::bad_input);
  }
  try {
    return selected ? selected() : latlab::to_int(ExitCode::bad_input);
  } catch (const latlab::FatalError& e) {
    if (!e.error().message().empty()) std::fprintf(stderr, "latlab: error: %s\n", e.what());
    return latlab::to_int(e.error().exit_code());
  }
}
