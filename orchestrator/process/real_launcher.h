// The real ProcessLauncher, on Boost.Process v2: fork and exec through its
// default_launcher, the child's setup (process group, parent death signal,
// namespace, stdio) in an on_exec_setup initializer, the exit watched through
// a pidfd and stdout/stderr read through Boost.Asio pipes.
#pragma once

#include "process/process.h"

namespace latlab::process {

class RealLauncher final : public ProcessLauncher {
 public:
  Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) override;
};

}  // namespace latlab::process
