#include "remote/spawn_here.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "process/process.h"
#include "util/unique_fd.h"

namespace latlab::remote {

namespace {

constexpr int kCannotStart = 125;

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kCannotStart;
}

// In the child: namespace, CPUs, a parent-death signal, stdin from /dev/null
// (stdin is the wrapper's signal), then exec. Errors go to stderr, the
// session's, where the controller reads the last line.
[[noreturn]] void exec_child(const SpawnHere& what, int netns_fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kCannotStart);
  // The command starts as from a shell: default handlers (a SIGTERM that
  // came before this, held by the mask, then ends it), no signal blocked.
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "latlab spawn: enter network namespace %s: %s\n", what.netns_path.c_str(),
                 std::strerror(errno));
    ::_exit(kCannotStart);
  }
  if (!what.cpus.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : what.cpus)
      if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0) {
      std::fprintf(stderr, "latlab spawn: pin to CPUs: %s\n", std::strerror(errno));
      ::_exit(kCannotStart);
    }
  }
  const int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, STDIN_FILENO);
  std::vector<char*> argv;
  for (const auto& a : what.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  std::fprintf(stderr, "latlab spawn: exec %s: %s\n", argv[0], std::strerror(errno));
  ::_exit(errno == ENOENT ? 127 : 126);
}

volatile sig_atomic_t g_forward = 0;
void on_signal(int sig) { g_forward = sig; }

}  // namespace

int spawn_here(const SpawnHere& what) {
  if (what.argv.empty()) {
    std::fprintf(stderr, "latlab spawn: no command\n");
    return kCannotStart;
  }
  // Found before anything starts: a missing agent is a clear error, not a race
  // with the session's end.
  if (!process::find_in_path(what.argv[0])) {
    std::fprintf(stderr, "latlab spawn: exec %s: No such file or directory\n", what.argv[0].c_str());
    return 127;
  }
  UniqueFd netns;
  if (!what.netns_path.empty()) {
    netns.reset(::open(what.netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) {
      std::fprintf(stderr, "latlab spawn: open network namespace %s: %s\n", what.netns_path.c_str(),
                   std::strerror(errno));
      return kCannotStart;
    }
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(sig, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  const pid_t parent = ::getpid();
  // Held across the fork: the child must not run the wrapper's handlers.
  sigset_t held, old;
  sigemptyset(&held);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&held, sig);
  ::sigprocmask(SIG_BLOCK, &held, &old);
  const pid_t pid = ::fork();
  if (pid != 0) ::sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    std::fprintf(stderr, "latlab spawn: fork: %s\n", std::strerror(errno));
    return kCannotStart;
  }
  if (pid == 0) exec_child(what, netns.get(), parent);
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  // Until the child exits: stdin's EOF (or a signal) ends it.
  bool stdin_done = false;
  std::chrono::steady_clock::time_point kill_at{};
  bool ending = false;
  auto end_child = [&] {
    if (ending) return;
    ending = true;
    ::kill(pid, SIGTERM);
    kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  };
  while (true) {
    int status = 0;
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) return exit_code_of(status);
    if (w < 0 && errno != EINTR) return kCannotStart;
    if (g_forward != 0) {
      const int sig = g_forward;
      g_forward = 0;
      ::kill(pid, sig);
    }
    if (ending && std::chrono::steady_clock::now() >= kill_at) ::kill(pid, SIGKILL);
    pollfd fds[2] = {{stdin_done ? -1 : STDIN_FILENO, POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
    const int n = ::poll(fds, 2, pidfd ? (ending ? 100 : -1) : 100);
    if (n < 0 && errno != EINTR) return kCannotStart;
    if (n > 0 && !stdin_done && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buf[512];
      const ssize_t r = ::read(STDIN_FILENO, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
        stdin_done = true;
        end_child();
      }
    }
  }
}

}  // namespace latlab::remote
