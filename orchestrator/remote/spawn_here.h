// The far end of SshLauncher: `latlab spawn [--netns PATH] [--cpus LIST] --
// ARGV` on a lab's host runs ARGV there inside the namespace and on the CPUs,
// with the SSH session's stdout and stderr, and ends it when the session
// does. Without a terminal sshd signals nothing when the client goes away: it
// closes the session's stdin, so EOF on stdin (the controller closed it,
// died, or lost the connection) is the signal: the command gets SIGTERM, and
// SIGKILL 2 s later.
#pragma once

#include <string>
#include <vector>

namespace latlab::remote {

struct SpawnHere {
  std::string netns_path;  // "" = this namespace
  std::vector<int> cpus;   // empty = any
  std::vector<std::string> argv;
};

// Runs it and returns its exit code (128 + N when killed by signal N; 125
// when it could not be started, with the cause on stderr).
int spawn_here(const SpawnHere& what);

}  // namespace latlab::remote
