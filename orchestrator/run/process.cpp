#include "run/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace latlab::run {

namespace {

std::string argv0(const SpawnSpec& s) { return s.argv.empty() ? "" : s.argv[0]; }

class PosixChild : public Child {
 public:
  PosixChild(pid_t pid, int out_fd, int err_fd, std::string name)
      : pid_(pid), out_fd_(out_fd), err_fd_(err_fd), name_(std::move(name)) {}
  ~PosixChild() override {
    if (!exited()) {
      signal(SIGKILL);
      (void)wait(std::chrono::milliseconds(2000));
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
  }

  pid_t pid() const override { return pid_; }
  int stdout_fd() const override { return out_fd_; }

  Result<std::optional<std::string>> read_line(std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto nl = buf_.find('\n', scan_from_);
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        scan_from_ = 0;
        return std::optional<std::string>(std::move(line));
      }
      scan_from_ = buf_.size();
      if (out_fd_ < 0 || eof_) {
        if (!buf_.empty()) {
          std::string rest = std::move(buf_);
          buf_.clear();
          scan_from_ = 0;
          return std::optional<std::string>(std::move(rest));
        }
        return std::optional<std::string>();
      }
      drain_stderr();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Error(name_ + " (pid " + std::to_string(pid_) + "): no output for " +
                                          std::to_string(timeout.count()) + " ms");
      pollfd pfd{out_fd_, POLLIN, 0};
      int rc = ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 200)));
      if (rc < 0 && errno != EINTR) return Error::from_errno("poll " + name_ + " output", errno);
      if (rc <= 0) continue;
      char chunk[65536];
      ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  void signal(int sig) override {
    if (reaped_) return;
    ::kill(-pid_, sig);  // the whole process group
    ::kill(pid_, sig);
  }

  Result<int> wait(std::chrono::milliseconds timeout) override {
    if (reaped_) return status_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        drain_stderr();
        return status_;
      }
      if (r < 0 && errno != EINTR) return Error::from_errno("wait for " + name_, errno);
      if (std::chrono::steady_clock::now() >= deadline)
        return Error(name_ + " (pid " + std::to_string(pid_) + ") did not exit within " +
                     std::to_string(timeout.count()) + " ms");
      drain_stderr();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  bool exited() override {
    if (reaped_) return true;
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      drain_stderr();
    }
    return reaped_;
  }

  std::string stderr_text() override {
    drain_stderr();
    return err_;
  }

 private:
  void drain_stderr() {
    if (err_fd_ < 0) return;
    char chunk[8192];
    while (true) {
      ssize_t n = ::read(err_fd_, chunk, sizeof chunk);
      if (n <= 0) break;
      err_.append(chunk, static_cast<size_t>(n));
      if (err_.size() > 65536) err_.erase(0, err_.size() - 65536);
    }
  }

  pid_t pid_;
  int out_fd_;
  int err_fd_;
  std::string name_;
  std::string buf_;
  size_t scan_from_ = 0;
  bool eof_ = false;
  bool reaped_ = false;
  int status_ = -1;
  std::string err_;
};

int open_output(const std::string& path) {
  if (path.empty()) return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

}  // namespace

std::optional<std::string> find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty()) {
      std::string cand = dir + "/" + name;
      struct stat st {};
      if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(cand.c_str(), X_OK) == 0) return cand;
    }
    start = end + 1;
  }
  return std::nullopt;
}

Result<std::unique_ptr<Child>> PosixLauncher::spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) return Error("spawn: empty command");
  std::string name = argv0(spec);
  auto exe = find_in_path(spec.argv[0]);
  if (!exe) return Error(name + ": not found in PATH", ENOENT, ExitCode::environment);

  int ns_fd = -1;
  if (!spec.netns_path.empty()) {
    ns_fd = ::open(spec.netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) return Error::from_errno("open namespace " + spec.netns_path, errno);
  }
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1}, exec_pipe[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {out_pipe, err_pipe, in_pipe, exec_pipe})
      for (int k = 0; k < 2; ++k)
        if (p[k] >= 0) ::close(p[k]);
    if (ns_fd >= 0) ::close(ns_fd);
  };
  if ((spec.capture_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    close_all();
    return Error::from_errno("spawn " + name + ": pipe", e);
  }
  int out_file = spec.capture_stdout ? -1 : open_output(spec.stdout_file);
  int err_file = spec.stderr_file.empty() ? -1 : open_output(spec.stderr_file);
  std::vector<char*> args;
  for (const auto& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  args[0] = const_cast<char*>(exe->c_str());
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    close_all();
    return Error::from_errno("spawn " + name + ": fork", e);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here to exec.
    auto fail = [&](int stage) {
      int msg[2] = {stage, errno};
      ssize_t w = ::write(exec_pipe[1], msg, sizeof msg);
      (void)w;
      ::_exit(127);
    };
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) fail(1);
    if (::dup2(in_pipe[0], 0) < 0) fail(2);
    if (spec.capture_stdout) {
      if (::dup2(out_pipe[1], 1) < 0) fail(2);
    } else if (out_file >= 0 && ::dup2(out_file, 1) < 0) {
      fail(2);
    }
    if (err_file >= 0) {
      if (::dup2(err_file, 2) < 0) fail(2);
    } else if (::dup2(err_pipe[1], 2) < 0) {
      fail(2);
    }
    ::execv(args[0], args.data());
    fail(3);
  }
  // Parent.
  if (out_file >= 0) ::close(out_file);
  if (err_file >= 0) ::close(err_file);
  ::close(exec_pipe[1]);
  exec_pipe[1] = -1;
  int msg[2] = {0, 0};
  ssize_t n = ::read(exec_pipe[0], msg, sizeof msg);
  ::close(exec_pipe[0]);
  exec_pipe[0] = -1;
  ::close(in_pipe[0]);
  in_pipe[0] = -1;
  if (n == static_cast<ssize_t>(sizeof msg)) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    close_all();
    const char* stage = msg[0] == 1 ? "enter namespace " : msg[0] == 2 ? "redirect output" : "exec";
    std::string what = msg[0] == 1 ? std::string(stage) + spec.netns_path : stage;
    return Error::from_errno("spawn " + name + ": " + what, msg[1]);
  }
  if (!spec.stdin_text.empty()) {
    ssize_t w = ::write(in_pipe[1], spec.stdin_text.data(), spec.stdin_text.size());
    (void)w;
  }
  ::close(in_pipe[1]);
  in_pipe[1] = -1;
  if (out_pipe[1] >= 0) ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  if (ns_fd >= 0) ::close(ns_fd);
  return std::unique_ptr<Child>(new PosixChild(pid, out_pipe[0], err_pipe[0], name));
}

}  // namespace latlab::run
