// The container engine boundary: what latlab asks of Docker. One real
// implementation (docker/engine_api.h: the Docker Engine API over
// /var/run/docker.sock) and one recording fake for unit tests
// (tests/support/fake_container_runtime.h).
//
// latlab touches only what it made: every container, network and image it
// creates carries the label latlab.lab=<lab> (images: latlab.image=agent),
// and removal goes by name AND label (remove_container refuses a container
// whose latlab.lab label is not the one given).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process/process.h"
#include "util/result.h"

namespace latlab::docker {

// Labels latlab puts on what it creates.
inline constexpr const char* label_lab = "latlab.lab";
inline constexpr const char* label_node = "latlab.node";
inline constexpr const char* label_link = "latlab.link";
inline constexpr const char* label_image = "latlab.image";
// The agent's file name in latlab's image and in containers it is copied into (at /).
inline constexpr const char* agent_file = "latlab-agent";

// What the engine says of itself (GET /info, /version), for the run's environment.
struct EngineInfo {
  std::string server_version;  // "20.10.24+dfsg1"
  std::string api_version;     // "1.41"
  std::string storage_driver;  // "overlay2", "fuse-overlayfs"
  std::string cgroup_driver;   // "cgroupfs", "systemd"
  std::string cgroup_version;  // "1", "2"
  std::string kernel_version;
  std::vector<std::string> security_options;  // "name=seccomp,profile=default", ...
};

struct ContainerSpec {
  std::string name;  // latlab-<lab>-<node>
  std::string image;
  std::map<std::string, std::string> labels;
  // The container's one network at creation: "bridge" (docker0), "none", or
  // a user-defined network's name.
  std::string network = "bridge";
  std::optional<std::string> ipv4;  // its address there (user-defined networks only)
  std::vector<std::string> entrypoint;  // replaces the image's entrypoint and cmd
  std::string cpuset_cpus;             // HostConfig.CpusetCpus ("" = any)
  std::map<std::string, std::string> sysctls;  // HostConfig.Sysctls (namespaced net.* only)
  std::string hostname;
};

// What inspecting a container gives (GET /containers/{name}/json).
struct ContainerInfo {
  std::string id;
  std::string name;  // without the leading '/'
  std::string image;
  std::map<std::string, std::string> labels;
  bool running = false;
  pid_t pid = 0;  // its init's PID in latlab's PID namespace (0 when not running)
  // Network name -> IPv4 address there ("" when it has none yet).
  std::map<std::string, std::string> ipv4;
  std::string cpuset_cpus;
  double nano_cpus = 0;                        // HostConfig.NanoCpus / 1e9
  std::vector<std::string> security_options;  // HostConfig.SecurityOpt ("seccomp=unconfined", ...)
};

struct NetworkSpec {
  std::string name;
  std::string subnet;   // "198.18.7.0/24"
  std::string gateway;  // "198.18.7.1" ("" = the engine's choice)
  std::map<std::string, std::string> labels;
  std::string mtu;     // com.docker.network.driver.mtu ("" = the engine's default)
  std::string bridge;  // com.docker.network.bridge.name ("" = the engine's br-<id>)
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string bridge;  // the Linux bridge in the host namespace ("br-<id12>", "docker0")
  std::string subnet;
  std::map<std::string, std::string> labels;
};

// How an exec's stdio goes (the same meaning as in process::SpawnSpec).
struct ExecSpec {
  std::vector<std::string> argv;  // run inside the container as is (argv[0] a path in it)
  bool capture_stdout = false;    // readable line by line through Child::read_line
  std::string stdout_file;        // else stdout to this host file ("" = discarded)
  std::string stderr_file;        // host file ("" = kept in memory, last 64 KiB)
  bool stderr_to_stdout = false;
};

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;

  // Does an engine answer? The error says where it was asked:
  // "the Docker engine did not answer at /var/run/docker.sock: connect: No such file or directory"
  virtual Status ping() = 0;
  virtual Result<EngineInfo> info() = 0;

  virtual Result<bool> image_exists(const std::string& ref) = 0;
  // Builds `ref` FROM scratch holding the one host file `agent_path` as
  // /latlab-agent (mode 0755), labelled latlab.image=agent.
  virtual Status build_agent_image(const std::string& ref, const std::string& agent_path) = 0;
  // Removes an image latlab built (force); EPERM when it lacks the label
  // latlab.image, ENOENT when absent.
  virtual Status remove_image(const std::string& ref) = 0;

  // Creates (not starts) a container; returns its id. EEXIST when the name is taken.
  virtual Result<std::string> create_container(const ContainerSpec& spec) = 0;
  // Copies one host file into a created or running container at `path` (mode 0755).
  virtual Status copy_file_in(const std::string& container, const std::string& host_file,
                              const std::string& path) = 0;
  virtual Status start_container(const std::string& container) = 0;
  // ENOENT when there is no such container.
  virtual Result<ContainerInfo> inspect_container(const std::string& container) = 0;
  // Removes it (force, with its anonymous volumes) if it carries
  // latlab.lab=<lab>; ENOENT when absent, EPERM when its label differs.
  virtual Status remove_container(const std::string& container, const std::string& lab) = 0;
  // Containers (running or not) whose labels include key=value ("latlab.lab"
  // alone: any value).
  virtual Result<std::vector<ContainerInfo>> list_containers(const std::string& label_filter) = 0;

  // EEXIST when the name is taken.
  virtual Result<std::string> create_network(const NetworkSpec& spec) = 0;
  virtual Result<NetworkInfo> inspect_network(const std::string& network) = 0;
  // Connects a created container to a network, with an address when given.
  virtual Status connect_network(const std::string& network, const std::string& container,
                                 const std::optional<std::string>& ipv4) = 0;
  // As remove_container: only with latlab.lab=<lab>; ENOENT when absent.
  virtual Status remove_network(const std::string& network, const std::string& lab) = 0;
  virtual Result<std::vector<NetworkInfo>> list_networks(const std::string& label_filter) = 0;

  // Runs argv inside a running container (docker exec: its namespaces,
  // cgroup, seccomp profile and capabilities apply). The Child's pid() is
  // the process's PID in latlab's PID namespace; signal() reaches it there;
  // wait() gives its exit code.
  virtual Result<std::unique_ptr<process::Child>> exec(const std::string& container, const ExecSpec& spec) = 0;
};

// Ok when labels carry latlab.lab=<lab>; else EPERM, saying whose it is:
// "docker: remove container "x": refused: latlab did not create it (no latlab.lab label)".
Status check_lab(const std::string& what, const std::map<std::string, std::string>& labels, const std::string& lab);

// The socket latlab talks to: $DOCKER_HOST when it is unix://<path>, else
// /var/run/docker.sock.
std::string default_socket_path();

}  // namespace latlab::docker
