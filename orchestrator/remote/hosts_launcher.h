// A launcher for a lab across machines: a SpawnSpec whose host is "" (or the
// local host's name) runs here, any other on that host through its
// SshLauncher. Agents, responders and loads name the host of their node.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "process/process.h"
#include "remote/ssh_launcher.h"

namespace latlab::remote {

class HostsLauncher final : public process::ProcessLauncher {
 public:
  explicit HostsLauncher(process::ProcessLauncher& local) : local_(local) {}
  // Not owned; must outlive this launcher.
  void add(const std::string& host, SshLauncher& launcher) { hosts_[host] = &launcher; }
  Result<std::unique_ptr<process::Child>> spawn(const process::SpawnSpec& spec) override;

 private:
  process::ProcessLauncher& local_;
  std::map<std::string, SshLauncher*> hosts_;
};

}  // namespace latlab::remote
