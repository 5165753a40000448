#include "agent_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sstream>

namespace latlab::test {

namespace {

long long now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

std::string agent_path() { return std::string(LATLAB_BIN_DIR) + "/latlab-agent"; }

nlohmann::json AgentResult::first(const std::string& type) const {
  for (const auto& l : lines) {
    if (l.value("type", "") == type) return l;
  }
  return nullptr;
}

std::vector<nlohmann::json> AgentResult::all(const std::string& type) const {
  std::vector<nlohmann::json> out;
  for (const auto& l : lines) {
    if (l.value("type", "") == type) out.push_back(l);
  }
  return out;
}

AgentProcess::AgentProcess(const std::vector<std::string>& args, const std::string& stdin_text, int uid) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    if (uid >= 0 && (setgid(static_cast<gid_t>(uid)) != 0 || setuid(static_cast<uid_t>(uid)) != 0)) _exit(126);
    const std::string path = agent_path();
    std::vector<char*> argv{const_cast<char*>(path.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (!stdin_text.empty()) {
    const ssize_t n = write(in[1], stdin_text.data(), stdin_text.size());
    (void)n;
  }
  close(in[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

AgentProcess::~AgentProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void AgentProcess::pump(int timeout_ms) {
  pollfd fds[2] = {{out_eof_ ? -1 : out_fd_, POLLIN, 0}, {err_eof_ ? -1 : err_fd_, POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) <= 0) return;
  char buf[65536];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || fds[i].revents == 0) continue;
    const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
    if (n <= 0) {
      (i == 0 ? out_eof_ : err_eof_) = true;
    } else {
      (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
    }
  }
}

bool AgentProcess::wait_for_line(const std::string& type, int timeout_ms) {
  const long long deadline = now_ms() + timeout_ms;
  const std::string needle = "{\"type\":\"" + type + "\"";
  while (now_ms() < deadline && !out_eof_) {
    if (out_.find(needle) != std::string::npos) return true;
    pump(static_cast<int>(deadline - now_ms()));
  }
  return out_.find(needle) != std::string::npos;
}

nlohmann::json AgentProcess::line(const std::string& type) const {
  const std::string needle = "{\"type\":\"" + type + "\"";
  const std::size_t at = out_.find(needle);
  if (at == std::string::npos) return nullptr;
  const std::size_t end = out_.find('\n', at);
  if (end == std::string::npos) return nullptr;
  return nlohmann::json::parse(out_.substr(at, end - at), nullptr, false);
}

void AgentProcess::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

AgentResult AgentProcess::finish(int timeout_ms) {
  AgentResult r;
  const long long deadline = now_ms() + timeout_ms;
  while ((!out_eof_ || !err_eof_) && now_ms() < deadline) pump(static_cast<int>(deadline - now_ms()));
  if (pid_ > 0) {
    int status = 0;
    if (!out_eof_ || !err_eof_) kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  r.stdout_text = out_;
  r.stderr_text = err_;
  std::istringstream lines(out_);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    r.lines.push_back(nlohmann::json::parse(line, nullptr, false));  // discarded value on bad JSON
  }
  return r;
}

AgentResult run_agent(const std::vector<std::string>& args, int timeout_ms, const std::string& stdin_text) {
  AgentProcess p(args, stdin_text);
  return p.finish(timeout_ms);
}

}  // namespace latlab::test
