// Named network namespaces the way iproute2 makes them (lib/namespace.c,
// ip/ipnetns.c netns_add): a file under /run/netns, unshare(CLONE_NEWNET) on
// the calling thread, a bind mount of the thread's namespace onto the file,
// undo on failure. setns() affects only the calling thread; NsEnter restores
// the thread's namespace when it goes out of scope.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"
#include "util/unique_fd.h"

namespace latlab::topology {

inline constexpr const char* netns_run_dir = "/run/netns";

std::string netns_path(const std::string& name);

// The calling thread's current network namespace.
Result<UniqueFd> open_current_netns();
Result<UniqueFd> open_netns(const std::string& name);

// Makes /run/netns exist and be a shared mount point (so mounts under it
// propagate to other mount namespaces), as iproute2 does.
Status prepare_netns_run_dir();

// Creates the namespace file and bind-mounts a fresh namespace onto it. On
// success the calling thread is LEFT INSIDE the new namespace (so the caller can
// open sockets there); the caller must switch back with setns(original).
// On failure the thread is back in `restore` and nothing is left behind.
Status create_netns_and_enter(const std::string& name, int restore);

// umount + unlink, like `ip netns delete`. ENOENT is not an error.
Status delete_netns(const std::string& name);

Result<std::vector<std::string>> list_netns();

// Switches the calling thread into `target` and back to `home` at scope exit.
// Failing to switch back is fatal (the thread would keep working in a lab).
class NsEnter {
 public:
  NsEnter(int target, int home);
  NsEnter(const NsEnter&) = delete;
  NsEnter& operator=(const NsEnter&) = delete;
  ~NsEnter();
  const Status& status() const { return status_; }

 private:
  int home_;
  bool switched_ = false;
  Status status_;
};

}  // namespace latlab::topology
