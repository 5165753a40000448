#include "topology/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace latlab::topology {

std::string netns_path(const std::string& name) { return std::string(netns_run_dir) + "/" + name; }

Result<UniqueFd> open_current_netns() {
  int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("open /proc/thread-self/ns/net", errno);
  return UniqueFd(fd);
}

Result<UniqueFd> open_netns(const std::string& name) {
  int fd = ::open(netns_path(name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("open namespace \"" + name + "\"", errno);
  return UniqueFd(fd);
}

Status prepare_netns_run_dir() {
  if (::mkdir("/run", 0755) != 0 && errno != EEXIST) return Error::from_errno("mkdir /run", errno);
  if (::mkdir(netns_run_dir, 0755) != 0 && errno != EEXIST) {
    return Error::from_errno(std::string("mkdir ") + netns_run_dir, errno);
  }
  // iproute2: make it shared; when it is not a mount point yet (EINVAL), bind
  // it onto itself first and try again.
  bool made_mount = false;
  while (::mount("", netns_run_dir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    if (errno != EINVAL || made_mount) {
      return Error::from_errno(std::string("make ") + netns_run_dir + " a shared mount", errno);
    }
    if (::mount(netns_run_dir, netns_run_dir, "none", MS_BIND | MS_REC, nullptr) != 0) {
      return Error::from_errno(std::string("bind mount ") + netns_run_dir, errno);
    }
    made_mount = true;
  }
  return Ok{};
}

Status create_netns_and_enter(const std::string& name, int restore) {
  const std::string path = netns_path(name);
  const std::string what = "create namespace \"" + name + "\"";
  int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) return Error::from_errno(what, errno);
  ::close(fd);
  if (::unshare(CLONE_NEWNET) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return Error::from_errno(what + ": unshare", err);
  }
  if (::mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
    int err = errno;
    if (::setns(restore, CLONE_NEWNET) != 0) {
      std::fprintf(stderr, "latlab: fatal: cannot return to the original namespace\n");
      std::abort();
    }
    ::unlink(path.c_str());
    return Error::from_errno(what + ": bind mount", err);
  }
  return Ok{};
}

Status delete_netns(const std::string& name) {
  const std::string path = netns_path(name);
  // UMOUNT_NOFOLLOW: a container's namespace is a symbolic link to its
  // /proc/<pid>/ns/net, which is not ours to unmount.
  if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT) {
    return Error::from_errno("delete namespace \"" + name + "\": umount", errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error::from_errno("delete namespace \"" + name + "\": unlink", errno);
  }
  return Ok{};
}

Result<std::vector<std::string>> list_netns() {
  std::vector<std::string> out;
  DIR* d = ::opendir(netns_run_dir);
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return Error::from_errno(std::string("list ") + netns_run_dir, errno);
  }
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    out.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

NsEnter::NsEnter(int target, int home) : home_(home) {
  if (::setns(target, CLONE_NEWNET) != 0) {
    status_ = Error::from_errno("enter namespace", errno);
    return;
  }
  switched_ = true;
}

NsEnter::~NsEnter() {
  if (switched_ && ::setns(home_, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "latlab: fatal: cannot return to the original namespace\n");
    std::abort();
  }
}

}  // namespace latlab::topology
