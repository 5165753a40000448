// The other machines of a multi-host lab, as its controller drives them: one
// SshLauncher per host (one ControlMaster each), latlab's own binaries kept
// current in the host's /run/latlab/.bin (checked by SHA-256 in the same
// command that uses them, copied over the same connection when missing or
// stale), each host's part built by the host's own latlab (`latlab part-up
// HOST`, the scenario on stdin: the same parse, plan and journal as on this
// machine) and removed by its `latlab cleanup LAB`. Hosts are driven in
// parallel: bringing up N hosts costs about one SSH round trip more than the
// slowest part.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "process/process.h"
#include "remote/hosts_launcher.h"
#include "remote/ssh_launcher.h"
#include "scenario/model.h"
#include "topology/journal.h"
#include "util/remote_paths.h"

namespace latlab::remote {


// The other hosts with nodes in the lab, as the controller journals them.
std::vector<topology::JHost> remote_hosts(const scenario::Lab& lab);
SshDestination destination_of(const topology::JHost& host);

// SSH options for latlab's own connections: control sockets in
// $LATLAB_SSH_CONTROL_DIR (default /run/latlab/.ssh, made 0700), host keys
// in $LATLAB_SSH_KNOWN_HOSTS (default: ssh's own known_hosts).
Result<SshOptions> fleet_ssh_options();

// What `part-up` reads on stdin: the scenario as the controller read it and
// the lab's hosts (an inventory's included), so that the host parses the
// same lab.
std::string part_payload(const std::string& scenario_file, const std::string& scenario_text,
                         const scenario::Lab& lab);
struct PartRequest {
  std::string scenario_file;
  std::string scenario_text;
  std::vector<scenario::Host> hosts;
};
Result<PartRequest> parse_part_payload(const std::string& text);

// The binaries a host gets: this latlab's stripped twin (latlab-stripped next
// to it, else itself) and latlab-agent.
struct Binaries {
  std::string cli;
  std::string agent;
};

// What happened on one host.
struct HostOutcome {
  std::string host;
  bool ok = false;
  std::vector<std::string> lines;  // its latlab's output, one line each
  std::string error;               // names the host
  bool copied = false;             // binaries were copied first
};

class Fleet {
 public:
  Fleet(process::ProcessLauncher& local, std::vector<topology::JHost> hosts, SshOptions options, Binaries bins,
        std::chrono::milliseconds timeout = std::chrono::seconds(120));
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  std::vector<topology::JHost>& hosts() { return hosts_; }
  // Routes a SpawnSpec's host to its SshLauncher (wrapped: see spawn_here.h).
  process::ProcessLauncher& launcher() { return routing_; }

  // Every host builds its part; on success each JHost has its nodes (and,
  // with describe, its info_json: the machine and its nodes' settings, for a
  // run's record). The outcome of each host, in hosts() order.
  std::vector<HostOutcome> up(const std::string& lab, const std::string& payload, bool describe = false);
  // `latlab cleanup LAB` on every host.
  std::vector<HostOutcome> cleanup(const std::string& lab, bool verbose);
  // Ends the SSH masters.
  void close();

 private:
  HostOutcome run_current(size_t i, const std::vector<std::string>& argv, const std::string& stdin_text);
  Status copy_binaries(size_t i);
  Result<std::string> local_digest(const std::string& path);

  process::ProcessLauncher& local_;
  std::vector<topology::JHost> hosts_;
  SshOptions options_;
  Binaries bins_;
  std::chrono::milliseconds timeout_;
  std::vector<std::unique_ptr<SshLauncher>> ssh_;
  HostsLauncher routing_;
  std::string cli_digest_, agent_digest_;
};

// "is left there: nodes a (namespace latlab-x-a), b; when it answers, run `latlab cleanup LAB`".
std::string left_on_host(const topology::JHost& host, const std::string& lab);

}  // namespace latlab::remote
