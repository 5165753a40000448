#include "remote/ssh_launcher.h"

namespace latlab::remote {

SshLauncher::SshLauncher(process::ProcessLauncher& local, SshDestination destination, SshOptions options)
    : local_(local), destination_(std::move(destination)), options_(std::move(options)) {}

std::string SshLauncher::describe() const { return remote::describe(destination_); }

Result<std::unique_ptr<process::Child>> SshLauncher::spawn(const process::SpawnSpec& spec) {
  if (spec.argv.empty()) return Error(describe() + ": spawn: empty command", EINVAL);
  const std::string what = describe() + ": spawn \"" + spec.argv[0] + "\"";
  if (!wrapper_.empty() && (!spec.netns_path.empty() || !spec.cpus.empty() || (spec.stdin_open && !spec.stdin_for_command))) {
    if (!spec.stdin_text.empty())
      return Error(what + ": a wrapped command takes no stdin text (stdin is the wrapper's)", EINVAL);
    std::vector<std::string> wrapped = {wrapper_, "spawn"};
    if (!spec.netns_path.empty()) wrapped.insert(wrapped.end(), {"--netns", spec.netns_path});
    if (!spec.cpus.empty()) {
      std::string list;
      for (int c : spec.cpus) list += (list.empty() ? "" : ",") + std::to_string(c);
      wrapped.insert(wrapped.end(), {"--cpus", list});
    }
    wrapped.push_back("--");
    wrapped.insert(wrapped.end(), spec.argv.begin(), spec.argv.end());
    auto argv = ssh_argv(destination_, options_, wrapped);
    if (!argv) return std::move(argv).error();
    process::SpawnSpec local = spec;
    local.argv = std::move(*argv);
    local.netns_path.clear();
    local.netns_sysfs = false;
    local.cpus.clear();
    local.host.clear();
    local.stdin_open = true;  // its EOF ends the remote command
    auto child = local_.spawn(local);
    if (!child) return Error(child.error()).context(describe());
    return child;
  }
  if (!spec.netns_path.empty())
    return Error(
        what + ": entering network namespace " + spec.netns_path + " on a remote host is not supported yet",
        ENOTSUP);
  if (!spec.cpus.empty())
    return Error(what + ": pinning to CPUs on a remote host is not supported yet", ENOTSUP);
  auto argv = ssh_argv(destination_, options_, spec.argv);
  if (!argv) return std::move(argv).error();
  // The same stdio, on the local ssh; the namespace and CPUs stay latlab's own.
  process::SpawnSpec local = spec;
  local.argv = std::move(*argv);
  local.netns_sysfs = false;
  local.host.clear();
  auto child = local_.spawn(local);
  if (!child) return Error(child.error()).context(describe());
  return child;
}

}  // namespace latlab::remote
