#include "core/netns.h"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>

#include "core/unique_fd.h"

namespace latlab::agent {

namespace {

Status enter(const std::string& path, const std::string& what) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) return environment_error(what + " does not exist");
    return environment_error("opening " + what + ": " + errno_text(err));
  }
  if (::setns(fd.get(), CLONE_NEWNET) != 0) {
    const int err = errno;
    if (err == EINVAL) return environment_error(what + " is not a network namespace");
    if (err == EPERM) return environment_error("entering " + what + ": " + errno_text(err) + "; needs CAP_SYS_ADMIN");
    return environment_error("entering " + what + ": " + errno_text(err));
  }
  return ok_status();
}

}  // namespace

Status enter_netns_path(const std::string& path) { return enter(path, "network namespace " + path); }

Status enter_netns_pid(int pid) {
  return enter("/proc/" + std::to_string(pid) + "/ns/net", "network namespace of pid " + std::to_string(pid));
}

}  // namespace latlab::agent
