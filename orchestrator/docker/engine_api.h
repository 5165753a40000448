// The real ContainerRuntime: the Docker Engine API (v1.41, Docker 20.10) over
// its unix socket, JSON with nlohmann. One connection per runtime object,
// reused by every call; each exec streams on a connection of its own.
//
// Errors name what was asked and carry the engine's own message:
//   docker: create container "latlab-demo-c1": 409 Conflict: Conflict. The container name ...
// with ENOENT for 404 and EEXIST for 409 on a create; an engine that does not
// answer is ECONNREFUSED with exit code 3 (environment).
#pragma once

#include <memory>
#include <string>

#include "docker/container_runtime.h"
#include "docker/unix_http.h"

namespace latlab::docker {

inline constexpr const char* api_version = "1.41";

class EngineApiRuntime final : public ContainerRuntime {
 public:
  explicit EngineApiRuntime(std::string socket_path = default_socket_path());

  const std::string& socket_path() const { return http_.socket_path(); }

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
  UnixHttpClient http_;
};

}  // namespace latlab::docker
