#include "remote/ssh_launcher.h"

namespace latlab::remote {

SshLauncher::SshLauncher(process::ProcessLauncher& local, SshDestination destination, SshOptions options)
    : local_(local), destination_(std::move(destination)), options_(std::move(options)) {}

std::string SshLauncher::describe() const { return remote::describe(destination_); }

Result<std::unique_ptr<process::Child>> SshLauncher::spawn(const process::SpawnSpec& spec) {
  if (spec.argv.empty()) return Error(describe() + ": spawn: empty command", EINVAL);
  const std::string what = describe() + ": spawn \"" + spec.argv[0] + "\"";
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
  auto child = local_.spawn(local);
  if (!child) return Error(child.error()).context(describe());
  return child;
}

}  // namespace latlab::remote
