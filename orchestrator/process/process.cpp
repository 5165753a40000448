#include "process/process.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace latlab::process {

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
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
    if (!dir.empty() && is_executable_file(dir + "/" + name)) return dir + "/" + name;
    start = end + 1;
  }
  return std::nullopt;
}

std::string exit_text(int code) {
  if (code > 128 && code < 128 + 65) {
    const char* abbrev = ::sigabbrev_np(code - 128);
    return "was killed by signal " + std::to_string(code - 128) +
           (abbrev ? std::string(" (SIG") + abbrev + ")" : std::string());
  }
  return "exited with code " + std::to_string(code);
}

Status write_pipe(int fd, const std::string& text) {
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  int err = 0;
  for (size_t off = 0; off < text.size() && err == 0;) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n >= 0)
      off += static_cast<size_t>(n);
    else if (errno != EINTR)
      err = errno;
  }
  if (err == EPIPE && !sigismember(&old, SIGPIPE)) {
    const timespec zero{};
    (void)::sigtimedwait(&pipe_only, nullptr, &zero);  // the SIGPIPE of that write
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (err != 0) return Error::from_errno("write stdin", err);
  return Ok{};
}

std::string last_stderr_line(const std::string& text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = text.rfind('\n', end - 1);
    size_t from = start == std::string::npos ? 0 : start + 1;
    std::string line = text.substr(from, end - from);
    const size_t last = line.find_last_not_of(" \t\r");
    if (last != std::string::npos) return line.substr(0, last + 1);
    if (start == std::string::npos) break;
    end = start;
  }
  return "";
}

}  // namespace latlab::process
