#include "process/child_setup.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

namespace latlab::process {

// Only async-signal-safe calls in this file's child code: it runs between
// fork and exec in a copy of a multi-threaded latlab.
namespace {

void mark(int fd, Stage stage) {
  ssize_t n = ::write(fd, &stage, 1);
  (void)n;  // a lost mark only blurs an error message
}

bp::error_code last_error() { return bp::error_code(errno, bp::system_category()); }

int reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) return -1;
  for (int sig : {SIGINT, SIGQUIT, SIGTERM, SIGPIPE}) {
    if (::signal(sig, SIG_DFL) == SIG_ERR) return -1;
  }
  return 0;
}

// Like `ip netns exec`: a private mount namespace with the namespace's /sys.
void mount_netns_sysfs(const char* source) {
  if (::unshare(CLONE_NEWNS) != 0) return;
  if (::mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) != 0) return;
  if (::umount2("/sys", MNT_DETACH) == 0) (void)::mount(source, "/sys", "sysfs", 0, nullptr);
}

}  // namespace

bp::error_code ChildSetup::on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                                         const char* const*) {
  if (own_group) {
    mark(stage_fd, Stage::process_group);
    if (::setpgid(0, 0) != 0) return last_error();
  }
  mark(stage_fd, Stage::death_signal);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return last_error();
  if (::getppid() != parent) ::_exit(127);  // latlab died before prctl took effect
  mark(stage_fd, Stage::signals);
  if (reset_signals() != 0) return last_error();
  if (netns_fd >= 0) {
    mark(stage_fd, Stage::netns);
    if (::setns(netns_fd, CLONE_NEWNET) != 0) return last_error();
    if (netns_sysfs) mount_netns_sysfs(sysfs_source);
  }
  if (cpus != nullptr) {
    mark(stage_fd, Stage::cpu_affinity);
    if (::sched_setaffinity(0, sizeof(cpu_set_t), cpus) != 0) return last_error();
  }
  mark(stage_fd, Stage::stdio);
  return {};
}

void ChildSetup::on_exec_error(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*,
                               const bp::error_code&) {
  ::_exit(127);
}

void ChildSetup::on_exec_error(bp::posix::default_launcher& launcher, const bp::error_code&,
                               const bp::filesystem::path& exe, const char* const* argv,
                               const bp::error_code& ec) {
  on_exec_error(launcher, exe, argv, ec);
}

bp::error_code ExecStage::on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                                        const char* const*) {
  mark(stage_fd, Stage::exec);
  return {};
}

std::string stage_text(Stage stage, const std::string& netns_path) {
  switch (stage) {
    case Stage::none:
      return "fork";
    case Stage::process_group:
      return "create process group";
    case Stage::death_signal:
      return "set parent death signal";
    case Stage::signals:
      return "reset signals";
    case Stage::netns:
      return "enter network namespace " + netns_path;
    case Stage::cpu_affinity:
      return "set CPU affinity";
    case Stage::stdio:
      return "redirect stdio";
    case Stage::exec:
      return "exec";
  }
  return "start";
}

}  // namespace latlab::process
