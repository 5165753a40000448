// A recording ContainerRuntime for unit tests: containers, networks and
// images in maps, a log of every call in order
// ("create_container latlab-demo-c1 image=latlab-agent:0.1.0 network=bridge"),
// failure of the Nth call of a method, and the real runtime's refusals (a
// taken name is EEXIST, a missing object ENOENT, removing another lab's or a
// label-less object EPERM). Started containers get a PID (this process's own)
// and addresses: 172.17.0.2, .3, ... on "bridge"; the given one, else .2, .3,
// ... of the subnet on a user-defined network. exec() runs nothing: it fails
// with "fake: exec not supported" (ENOSYS) after logging the call.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "docker/container_runtime.h"

namespace latlab::docker {

class FakeContainerRuntime final : public ContainerRuntime {
 public:
  struct Container {
    ContainerSpec spec;
    std::string id;
    bool running = false;
    pid_t pid = 0;
    std::vector<std::string> networks;              // the spec's, then connected ones
    std::map<std::string, std::string> requested;   // network -> the address asked for
    std::map<std::string, std::string> ipv4;        // network -> address (once started)
    std::map<std::string, std::string> files;       // path in it -> host file copied there
  };
  struct Network {
    NetworkSpec spec;
    std::string id;
    int next_host = 2;
  };
  struct Failure {
    int nth = 1;        // the nth call (from 1) of the method fails
    int err = EIO;
  };

  FakeContainerRuntime();

  std::vector<std::string> log;              // every call, in order
  std::map<std::string, Failure> fail;       // method name -> which call fails, and how
  bool engine_up = true;                     // false: every call fails as with no engine
  std::map<std::string, Container> containers;  // by name
  std::map<std::string, Network> networks;      // by name (user-defined ones only)
  std::map<std::string, std::map<std::string, std::string>> images;  // ref -> labels
  int calls(const std::string& method) const;

  Status ping() override;
  Result<EngineInfo> info() override;
  Result<bool> image_exists(const std::string& ref) override;
  Status build_agent_image(const std::string& ref, const std::string& agent_path) override;
  Status remove_image(const std::string& ref) override;
  Result<std::string> create_container(const ContainerSpec& spec) override;
  Status copy_file_in(const std::string& container, const std::string& host_file, const std::string& path) override;
  Status start_container(const std::string& container) override;
  Result<ContainerInfo> inspect_container(const std::string& container) override;
  Status remove_container(const std::string& container, const std::string& lab) override;
  Result<std::vector<ContainerInfo>> list_containers(const std::string& label_filter) override;
  Result<std::string> create_network(const NetworkSpec& spec) override;
  Result<NetworkInfo> inspect_network(const std::string& network) override;
  Status connect_network(const std::string& network, const std::string& container,
                         const std::optional<std::string>& ipv4) override;
  Status remove_network(const std::string& network, const std::string& lab) override;
  Result<std::vector<NetworkInfo>> list_networks(const std::string& label_filter) override;
  Result<std::unique_ptr<process::Child>> exec(const std::string& container, const ExecSpec& spec) override;

 private:
  // Logs the line; an error when the engine is down or this call is told to fail.
  Status call(const std::string& method, const std::string& line);
  Container* find_container(const std::string& name_or_id);
  Network* find_network(const std::string& name_or_id);
  ContainerInfo info_of(const Container& c) const;
  NetworkInfo info_of(const Network& n) const;
  std::string next_id();

  std::map<std::string, int> calls_;
  std::recursive_mutex mu_;
  int next_id_ = 1;
  int next_bridge_host_ = 2;
};

}  // namespace latlab::docker
