// What a child does between fork and exec, as Boost.Process v2 initializers
// (internal to latlab_process). Before each step the child writes the step's
// Stage to a pipe; when the spawn fails, the last stage the parent reads is the
// one that failed and Boost's error pipe says why.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <boost/process/v2/posix/default_launcher.hpp>
#include <string>

namespace latlab::process {

namespace bp = boost::process::v2;

enum class Stage : unsigned char {
  none = 0,
  process_group,
  death_signal,
  signals,
  netns,
  cpu_affinity,
  stdio,
  exec,
};

// Runs first: own process group, PR_SET_PDEATHSIG(SIGKILL), default signal
// dispositions and an empty mask, then the network namespace.
struct ChildSetup {
  int stage_fd = -1;      // the write end of the stage pipe
  pid_t parent = 0;       // latlab's pid: a child whose parent is gone exits
  bool own_group = true;  // setpgid(0, 0)
  int netns_fd = -1;      // setns(CLONE_NEWNET) when >= 0
  bool netns_sysfs = false;
  const char* sysfs_source = "sysfs";  // the source name of the namespace's /sys mount
  const cpu_set_t* cpus = nullptr;     // sched_setaffinity when set

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*);
  // After a failed setup or exec: _exit, never exit() (Boost's choice), which
  // would run latlab's atexit handlers and flush its stdio in the child.
  void on_exec_error(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*,
                     const bp::error_code&);
  // Boost 1.81 detects on_exec_error with this argument list, then calls the
  // one above.
  void on_exec_error(bp::posix::default_launcher&, const bp::error_code&, const bp::filesystem::path&,
                     const char* const*, const bp::error_code&);
};

// Runs after Boost's process_stdio: what fails from here on is the exec.
struct ExecStage {
  int stage_fd = -1;
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*);
};

// "enter network namespace /run/netns/x", "exec", ...: what the error says failed.
std::string stage_text(Stage stage, const std::string& netns_path);

}  // namespace latlab::process
