// Child processes for the run pipeline: argv only (no shell), optionally
// inside a network namespace (setns in the child before exec), in their own
// process group, killed when latlab dies (PR_SET_PDEATHSIG).
// ProcessLauncher is the boundary; PosixLauncher is the real one.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace latlab::run {

struct SpawnSpec {
  std::vector<std::string> argv;
  std::string netns_path;       // "" = latlab's own namespace
  bool capture_stdout = false;  // readable line by line through Child::read_line
  std::string stdout_file;      // else: stdout to this file ("" = /dev/null)
  std::string stderr_file;      // stderr to this file ("" = kept in memory, last 64 KiB)
  std::string stdin_text;       // written to stdin, then closed
};

class Child {
 public:
  virtual ~Child() = default;
  virtual pid_t pid() const = 0;
  // One line of stdout without the newline. nullopt at EOF; an error on timeout.
  virtual Result<std::optional<std::string>> read_line(std::chrono::milliseconds timeout) = 0;
  virtual int stdout_fd() const = 0;
  // Sends sig to the child's process group.
  virtual void signal(int sig) = 0;
  // Waits for the exit; returns the exit code (128 + signal when killed).
  virtual Result<int> wait(std::chrono::milliseconds timeout) = 0;
  // What the child wrote on stderr (kept in memory when no stderr_file).
  virtual std::string stderr_text() = 0;
  virtual bool exited() = 0;
};

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  virtual Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) = 0;
};

class PosixLauncher : public ProcessLauncher {
 public:
  Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) override;
};

// The absolute path of an executable found in PATH, or nullopt.
std::optional<std::string> find_in_path(const std::string& name);

}  // namespace latlab::run
