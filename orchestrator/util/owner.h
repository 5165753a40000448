// Who the files latlab writes for a user belong to. latlab runs as root, but
// under sudo the store and the run directory are the invoking user's: they
// then read them with `latlab report` and `compare` without root. The modes
// stay restrictive either way (0600 files, 0700 directories).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace latlab {

struct Owner {
  uid_t uid;
  gid_t gid;
};

// The user who ran `sudo latlab ...` ($SUDO_UID and $SUDO_GID, when latlab
// runs as root and both are numbers other than root's); empty otherwise.
std::optional<Owner> invoking_user();

// Gives `path` (not following a symlink) to the invoking user, if there is
// one; with recursive, everything under it too. Returns the first path it
// could not change, with why, or empty.
std::string hand_over(const std::string& path, bool recursive = false);

}  // namespace latlab
