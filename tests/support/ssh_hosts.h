// "Hosts" on this one machine for the multi-host tests (root): host i is a
// network namespace <prefix>h<i> behind a veth from the root namespace
// (<prefix>h<i>r there, 198.18.200.(4i+1)/30; eth0 inside, .(4i+2)/30), in
// which a real sshd of its own (`sshd -D -e`, a private config, keys made for
// the test) runs in a mount namespace of its own with a fresh /run, as
// another machine has its own /run/netns and /run/latlab, and in a PID
// namespace of its own, as PID 1.
//
// Nothing of it outlives the fixture, also when a test fails or the test
// process is killed: every undo step is handed, before the thing is made, to
// a guardian process in a session of its own, which carries them out (the
// masters' `ssh -O exit`, SIGKILL to every process in the namespaces, the
// veths, the namespaces, the temp dir) when down() closes its socket or the
// test process dies.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "process/process.h"
#include "remote/ssh_argv.h"

namespace latlab::test {

// "lt" + pid % 100000: short (interface names have 15 bytes) and unique per
// test process.
std::string ssh_hosts_prefix();

class SshHosts {
 public:
  // n hosts (at most 63); prefix: lowercase letters and digits, at most 10 bytes.
  SshHosts(std::string prefix, int n);
  ~SshHosts();
  SshHosts(const SshHosts&) = delete;
  SshHosts& operator=(const SshHosts&) = delete;

  // Empty when every host accepts SSH connections; the test should ASSERT on it.
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int size() const { return n_; }

  // Host i as latlab reaches it: root with the test's key.
  [[nodiscard]] remote::SshDestination dest(int i) const;
  // The masters' sockets and known_hosts in the temp dir.
  [[nodiscard]] remote::SshOptions options() const;
  [[nodiscard]] std::string netns(int i) const { return prefix_ + "h" + std::to_string(i); }
  [[nodiscard]] std::string root_link(int i) const { return netns(i) + "r"; }
  [[nodiscard]] std::string address(int i) const;
  [[nodiscard]] const std::string& dir() const { return dir_; }

  // Kills host i's sshd and every session and command it runs (for fault
  // tests); the namespace and its address stay, so connections are refused.
  // The host's /run (a directory of the fixture) stays too, as a machine's
  // does when its sshd dies.
  void kill_sshd(int i);
  // Starts host i's sshd again (after kill_sshd) and waits until it answers;
  // false with error() set when it does not.
  bool restart_sshd(int i);
  // A cable between hosts i and j: a veth pair, cab<j> in host i and cab<i>
  // in host j, up, with 198.18.201.(4k+1)/30 and .(4k+2)/30 for the k-th
  // cable. Returns the two addresses (empty with error() set on failure).
  std::pair<std::string, std::string> cable(int i, int j);
  // Removes everything (also done by the destructor); idempotent.
  void down();
  // What is left of the fixture: namespaces, links, processes in the
  // namespaces or naming the temp dir (masters), the temp dir. Empty after down().
  [[nodiscard]] std::vector<std::string> leftovers() const;
  [[nodiscard]] const std::vector<ino_t>& netns_inodes() const { return netns_inodes_; }

 private:
  bool step(const std::vector<std::string>& argv);
  void undo(const std::string& shell_line);
  void start_guardian();
  void make_host(int i);
  void start_sshd(int i);
  void wait_ready(int i);
  [[nodiscard]] std::string sshd_log(int i) const;

  std::string prefix_;
  int n_;
  std::string dir_;
  std::string error_;
  pid_t guardian_ = -1;
  int guardian_fd_ = -1;
  std::vector<ino_t> netns_inodes_;
  std::vector<std::unique_ptr<process::Child>> sshds_;
  int cables_ = 0;
};

// leftovers() of the fixture made with prefix and n whose namespaces had
// these inodes, from any process (one that watched another die).
std::vector<std::string> ssh_hosts_leftovers(const std::string& prefix, int n,
                                             const std::vector<ino_t>& netns_inodes);

}  // namespace latlab::test
