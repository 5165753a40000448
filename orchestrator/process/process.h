// Child processes: argv only (no shell), optionally inside a network namespace
// (setns in the child before exec), in their own process group, killed when
// latlab dies (PR_SET_PDEATHSIG). ProcessLauncher is the boundary that tests
// fake; RealLauncher (process/real_launcher.h) is the one on Boost.Process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace latlab::process {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH; the child gets argv as is
  std::string netns_path;         // "" = latlab's own namespace
  // With netns_path: a private mount namespace whose /sys is the namespace's
  // own (like `ip netns exec`), so /sys/class/net lists its interfaces. Best effort.
  bool netns_sysfs = false;
  // latlab's own stdin, stdout and stderr, and latlab's process group (the
  // terminal's foreground group, so Ctrl-C and job control reach the child).
  // The stdio fields below are ignored.
  bool interactive = false;
  bool capture_stdout = false;    // readable line by line through Child::read_line
  std::string stdout_file;        // else: stdout to this file ("" = /dev/null)
  std::string stderr_file;        // stderr to this file ("" = kept in memory, last 64 KiB)
  bool stderr_to_stdout = false;  // stderr where stdout goes (2>&1); overrides stderr_file
  std::string stdin_text;         // written to stdin, then closed
  // Kept open after stdin_text instead, until the Child is destroyed: the
  // child reads EOF when latlab is done with it or dies (the remote wrapper
  // ends the agent it runs then).
  bool stdin_open = false;
  // stdin_open for the command's own use (`latlab part-up` reads its
  // "commit" there): a remote launcher passes it through rather than wrap
  // the command in latlab's `spawn`.
  bool stdin_for_command = false;
  // The machine it runs on: "" is this one; another is a host of the lab,
  // which a routing launcher (remote/hosts_launcher.h) hands it to.
  std::string host;
  std::vector<int> cpus;          // CPUs the child may run on (sched_setaffinity); empty = any
};

class Child {
 public:
  // A timeout that never expires.
  static constexpr std::chrono::milliseconds no_timeout = std::chrono::milliseconds::max();

  virtual ~Child() = default;
  virtual pid_t pid() const = 0;
  // One line of stdout without the newline. nullopt at EOF; an error on timeout.
  virtual Result<std::optional<std::string>> read_line(std::chrono::milliseconds timeout) = 0;
  virtual int stdout_fd() const = 0;
  // Sends sig to the child's process group (to the child alone when interactive).
  virtual void signal(int sig) = 0;
  // Waits for the exit; returns the exit code (128 + signal when killed).
  virtual Result<int> wait(std::chrono::milliseconds timeout) = 0;
  // What the child wrote on stderr (kept in memory when no stderr_file).
  virtual std::string stderr_text() = 0;
  virtual bool exited() = 0;
  // Closes the stdin kept open (SpawnSpec::stdin_open): a remote command
  // under latlab's wrapper is then ended on its host, and its last output
  // still arrives. No-op otherwise.
  virtual void close_stdin() {}
  // Writes text to the stdin kept open (SpawnSpec::stdin_open): an error when
  // there is none or the child no longer reads it (EPIPE).
  virtual Status send_stdin(const std::string& text) {
    (void)text;
    return Error("no stdin kept open");
  }
};

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  // Fails with the stage that failed: `spawn "tcpdump": enter network namespace
  // /run/netns/x: ...`, `spawn "x": exec: ...`, `spawn "x": open stdout file "f": ...`.
  virtual Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) = 0;
};

// The absolute path of an executable found in PATH (a name with a '/' is taken
// as it is), or nullopt.
std::optional<std::string> find_in_path(const std::string& name);

// The last non-empty line of a child's stderr, without trailing whitespace
// (ssh ends its lines with "\r\n"): the one that says why, for one-line errors.
std::string last_stderr_line(const std::string& text);

// How a child ended, from Child's exit code (128 + N is signal N, as a shell
// reports it): "exited with code 3", "was killed by signal 9 (SIGKILL)".
std::string exit_text(int code);

// Writes all of text to fd (a pipe), with SIGPIPE held off this thread; a
// reader that is gone is EPIPE.
Status write_pipe(int fd, const std::string& text);

}  // namespace latlab::process
