// How latlab reaches another machine: OpenSSH's own client (its config, keys,
// agent and ProxyJump all apply), one connection per host that every command
// shares (ControlMaster), never a prompt (BatchMode), and a dead connection
// noticed within seconds (ServerAlive*). This is the one place that writes an
// ssh command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace latlab::remote {

struct SshDestination {
  std::string host_name;  // latlab's name for the host: in errors, and the control socket's name
  std::string user;       // "" = ssh's choice (~/.ssh/config, else the local user)
  std::string address;    // what ssh connects to: an address, or a name it resolves
  uint16_t port = 22;
  std::string identity_file;  // "" = ssh's own keys and agent
  std::string jump;           // an OpenSSH ProxyJump string ([user@]host[:port][,...]); "" = none
};

struct SshOptions {
  std::string control_dir;  // holds the hosts' ControlMaster sockets, <control_dir>/<host_name>
  int connect_timeout_s = 5;
  int keepalive_interval_s = 5;  // a silent connection is dropped after interval × count
  int keepalive_count = 3;
  int control_persist_s = 60;        // how long a master outlives its last command
  std::string known_hosts_file;      // "" = ssh's own (~/.ssh/known_hosts)
  bool accept_new_host_keys = true;  // a host seen for the first time is added; a changed key always fails
};

// A unix socket path has at most 107 bytes, and ssh binds a new master to
// "<ControlPath>.<16 random characters>" before it renames the socket.
inline constexpr size_t max_control_path = 107 - 17;

// <control_dir>/<host_name>.
std::string control_path(const SshDestination& dest, const SshOptions& options);

// `host "h1" (root@198.18.200.2:22)`: how every error names a host.
std::string describe(const SshDestination& dest);

// Whether ssh can be given dest and options as they are: names and paths ssh
// would not take literally (whitespace, quotes, '%' tokens, a leading '-'),
// a control path too long for a socket, and limits below 1 are errors.
Status check_destination(const SshDestination& dest, const SshOptions& options);

// ssh [options] -T -- ADDRESS 'COMMAND LINE': runs remote_argv on the host,
// word for word (shell_command: sshd gives the line to the user's shell).
// Exit 255 is ssh's own failure; any other code is the remote command's.
Result<std::vector<std::string>> ssh_argv(const SshDestination& dest, const SshOptions& options,
                                          const std::vector<std::string>& remote_argv);

// ssh -O OPERATION ("check", "exit") on the host's ControlMaster socket.
Result<std::vector<std::string>> ssh_control_argv(const SshDestination& dest, const SshOptions& options,
                                                  const std::string& operation);

}  // namespace latlab::remote
