#include "cli/common.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "docker/engine_api.h"
#include "process/process.h"
#include "util/result.h"

namespace latlab::cli {

std::vector<scenario::Host> load_inventory_or_throw(const std::string& hosts_file) {
  if (hosts_file.empty()) return {};
  auto inv = scenario::load_inventory_file(hosts_file);
  if (!inv.ok()) {
    for (const auto& d : inv.errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    throw FatalError("", ExitCode::bad_input);
  }
  return inv.hosts;
}

scenario::LoadResult load_lab_or_throw(const std::string& path, const std::string& hosts_file) {
  auto r = scenario::load_scenario_file(path, load_inventory_or_throw(hosts_file));
  if (!r.ok()) {
    for (const auto& d : r.errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    throw FatalError("", ExitCode::bad_input);
  }
  return r;
}

void require_one_machine(const scenario::Lab& lab, const std::string& file, const char* command) {
  std::string remote;
  for (const auto& h : scenario::hosts_in_use(lab))
    if (h != scenario::kLocalHost) remote += (remote.empty() ? "" : ", ") + h;
  if (remote.empty()) return;
  throw FatalError(std::string(command) + ": " + file + ": lab \"" + lab.name + "\" has nodes on hosts " + remote +
                       "; `latlab plan` shows each host's part, but building and running a lab across hosts "
                       "is not available in this version (only nodes on \"local\")",
                   ExitCode::bad_input);
}

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

std::optional<std::string> find_agent() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto cand = self.parent_path() / "latlab-agent";
    if (::access(cand.c_str(), X_OK) == 0) return cand.string();
  }
  return process::find_in_path("latlab-agent");
}

std::string agent_path() {
  if (auto p = find_agent()) return *p;
  throw FatalError("latlab-agent not found next to latlab or in PATH (build it: scripts/build.sh)",
                   ExitCode::environment);
}

std::unique_ptr<docker::ContainerRuntime> make_container_runtime() {
  return std::make_unique<docker::EngineApiRuntime>(docker::default_socket_path());
}

}  // namespace latlab::cli
