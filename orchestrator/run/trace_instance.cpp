#include "run/trace_instance.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "util/unique_fd.h"

namespace latlab::run {

namespace {

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status remove_instance_dir(const std::string& path) {
  // Tracing off first, so the buffer is quiet while the kernel tears it down.
  {
    UniqueFd fd(::open((path + "/tracing_on").c_str(), O_WRONLY | O_CLOEXEC));
    if (fd) {
      ssize_t w = ::write(fd.get(), "0", 1);
      (void)w;
    }
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return Ok{};
    if (errno != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a reader still holds a file
  }
  return Error::from_errno("remove trace instance " + path, errno);
}

}  // namespace

Result<std::string> find_tracefs(bool* mounted) {
  if (mounted) *mounted = false;
  for (const char* p : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (is_dir(std::string(p) + "/instances")) return std::string(p);
  if (::mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
    return Error::from_errno("tracefs is not mounted and mounting it on /sys/kernel/tracing failed", errno)
        .exit(ExitCode::environment);
  if (mounted) *mounted = true;
  if (!is_dir("/sys/kernel/tracing/instances"))
    return Error("tracefs on /sys/kernel/tracing has no instances directory (kernel too old)", 0,
                 ExitCode::environment);
  return std::string("/sys/kernel/tracing");
}

Result<TraceInstance> TraceInstance::create(const std::string& tracefs, const std::string& name) {
  std::string path = tracefs + "/instances/" + name;
  if (::mkdir(path.c_str(), 0700) != 0) {
    int e = errno;
    if (e != EEXIST) return Error::from_errno("create trace instance " + path, e);
    LATLAB_TRY(remove_instance_dir(path));
    if (::mkdir(path.c_str(), 0700) != 0) return Error::from_errno("create trace instance " + path, errno);
  }
  return TraceInstance(path);
}

TraceInstance::TraceInstance(TraceInstance&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }

TraceInstance& TraceInstance::operator=(TraceInstance&& o) noexcept {
  if (this != &o) {
    (void)remove();
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

TraceInstance::~TraceInstance() { (void)remove(); }

Status TraceInstance::remove() {
  if (path_.empty()) return Ok{};
  auto st = remove_instance_dir(path_);
  path_.clear();
  return st;
}

Status TraceInstance::write(const std::string& rel, const std::string& value, bool append) const {
  std::string p = path_ + "/" + rel;
  UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)));
  if (!fd) return Error::from_errno("open " + p, errno);
  ssize_t n = ::write(fd.get(), value.data(), value.size());
  if (n < 0) return Error::from_errno("write \"" + value + "\" to " + p, errno);
  if (static_cast<size_t>(n) != value.size())
    return Error("write \"" + value + "\" to " + p + ": short write (" + std::to_string(n) + " bytes)");
  return Ok{};
}

bool TraceInstance::exists(const std::string& rel) const {
  return ::access((path_ + "/" + rel).c_str(), F_OK) == 0;
}

Status TraceInstance::for_each_line(const std::string& rel,
                                    const std::function<void(std::string_view)>& fn) const {
  std::string p = path_ + "/" + rel;
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::from_errno("open " + p, errno);
  std::string buf;
  char chunk[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read " + p, errno);
    }
    if (n == 0) break;
    buf.append(chunk, static_cast<size_t>(n));
    size_t start = 0;
    while (true) {
      size_t nl = buf.find('\n', start);
      if (nl == std::string::npos) break;
      fn(std::string_view(buf).substr(start, nl - start));
      start = nl + 1;
    }
    buf.erase(0, start);
  }
  if (!buf.empty()) fn(buf);
  return Ok{};
}

Result<std::string> TraceInstance::read(const std::string& rel) const {
  std::string out;
  LATLAB_TRY(for_each_line(rel, [&](std::string_view l) {
    out.append(l);
    out.push_back('\n');
  }));
  return out;
}

std::vector<std::string> remove_stale_instances(const std::string& tracefs, const std::string& prefix) {
  std::vector<std::string> removed;
  std::string dir = tracefs + "/instances";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return removed;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(prefix, 0) == 0) names.push_back(n);
  }
  ::closedir(d);
  for (const auto& n : names) {
    std::string rest = n.substr(prefix.size());
    auto dash = rest.find('-');
    std::string pid_text = rest.substr(0, dash);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    if (remove_instance_dir(dir + "/" + n).ok()) removed.push_back(n);
  }
  return removed;
}

}  // namespace latlab::run
