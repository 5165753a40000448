#include "cli/common.h"

#include <sys/resource.h>
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

std::unique_ptr<topology::RealNetlinkOps> make_netlink_ops() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &r);
  }
  auto ops = topology::RealNetlinkOps::create();
  if (!ops) throw FatalError(Error(ops.error()).exit(ExitCode::environment));
  return std::move(*ops);
}

remote::Binaries own_binaries() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw FatalError("find this latlab (/proc/self/exe): " + ec.message(), ExitCode::environment);
  remote::Binaries b{self.string(), agent_path()};
  const fs::path stripped = self.parent_path() / "latlab-stripped";
  std::error_code e1, e2;
  const auto t_stripped = fs::last_write_time(stripped, e1);
  const auto t_self = fs::last_write_time(self, e2);
  if (!e1 && !e2 && t_stripped >= t_self) b.cli = stripped.string();
  return b;
}

std::unique_ptr<remote::Fleet> make_fleet(process::ProcessLauncher& local, std::vector<topology::JHost> hosts) {
  auto opts = remote::fleet_ssh_options();
  if (!opts) throw FatalError(Error(opts.error()).exit(ExitCode::environment));
  return std::make_unique<remote::Fleet>(local, std::move(hosts), *opts, own_binaries());
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
