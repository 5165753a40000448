// A ProcessLauncher for another machine: spawn(spec) runs spec.argv on the
// host through the local launcher's `ssh` (ssh_argv), with spec's stdio on
// the local ssh child, so streaming stdout, stdin text and stderr files work
// as they do locally. The Child is the local ssh: its exit code is the remote
// command's, 255 being ssh's own failure; signal() ends the local ssh, which
// ends the session, but does not reach the remote process.
#pragma once

#include <memory>

#include "process/process.h"
#include "remote/ssh_argv.h"

namespace latlab::remote {

class SshLauncher final : public process::ProcessLauncher {
 public:
  SshLauncher(process::ProcessLauncher& local, SshDestination destination, SshOptions options);

  // Errors name the host. With a wrapper (set_wrapper), a command with a
  // namespace, CPUs or stdin_open runs under `WRAPPER spawn --netns ...
  // --cpus ... --` (remote/spawn_here.h): in the namespace and on the CPUs,
  // and ended when the local ssh ends; stdin is then the wrapper's
  // (stdin_text is refused). Without one, a namespace or CPUs are refused.
  Result<std::unique_ptr<process::Child>> spawn(const process::SpawnSpec& spec) override;
  // The host's latlab (e.g. /run/latlab/.bin/latlab), which wraps commands.
  void set_wrapper(std::string remote_latlab) { wrapper_ = std::move(remote_latlab); }

  const SshDestination& destination() const { return destination_; }
  const SshOptions& options() const { return options_; }
  process::ProcessLauncher& local() const { return local_; }
  // `host "h1" (root@198.18.200.2:22)`.
  std::string describe() const;

 private:
  process::ProcessLauncher& local_;
  SshDestination destination_;
  SshOptions options_;
  std::string wrapper_;
};

}  // namespace latlab::remote
