#include "support/fake_container_runtime.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace latlab::docker {

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

bool matches(const std::map<std::string, std::string>& labels, const std::string& filter) {
  if (filter.empty()) return true;
  const size_t eq = filter.find('=');
  const auto it = labels.find(filter.substr(0, eq));
  if (it == labels.end()) return false;
  return eq == std::string::npos || it->second == filter.substr(eq + 1);
}


Error not_found(const std::string& what, const std::string& kind, const std::string& name) {
  return Error("docker: " + what + ": 404 Not Found: No such " + kind + ": " + name, ENOENT);
}

// "198.19.250.0/24", host 5 -> "198.19.250.5" (a /24 or wider).
std::string host_in(const std::string& subnet, int host) {
  const std::string net = subnet.substr(0, subnet.find('/'));
  const size_t dot = net.rfind('.');
  return net.substr(0, dot + 1) + std::to_string(host);
}

bool builtin_network(const std::string& n) { return n == "bridge" || n == "none" || n == "host"; }

}  // namespace

FakeContainerRuntime::FakeContainerRuntime() = default;

int FakeContainerRuntime::calls(const std::string& method) const {
  const auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

Status FakeContainerRuntime::call(const std::string& method, const std::string& line) {
  log.push_back(line);
  const int n = ++calls_[method];
  if (!engine_up) {
    return Error("the Docker engine did not answer at /var/run/docker.sock: connect: No such file or directory",
                 ECONNREFUSED, ExitCode::environment);
  }
  const auto it = fail.find(method);
  if (it != fail.end() && it->second.nth == n)
    return Error("fake: " + method + " failed (call " + std::to_string(n) + ")", it->second.err);
  return Ok{};
}

std::string FakeContainerRuntime::next_id() {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%064x", next_id_++);
  return buf;
}

FakeContainerRuntime::Container* FakeContainerRuntime::find_container(const std::string& name_or_id) {
  auto it = containers.find(name_or_id);
  if (it != containers.end()) return &it->second;
  for (auto& [name, c] : containers) {
    if (c.id == name_or_id) return &c;
  }
  return nullptr;
}

FakeContainerRuntime::Network* FakeContainerRuntime::find_network(const std::string& name_or_id) {
  auto it = networks.find(name_or_id);
  if (it != networks.end()) return &it->second;
  for (auto& [name, n] : networks) {
    if (n.id == name_or_id) return &n;
  }
  return nullptr;
}

ContainerInfo FakeContainerRuntime::info_of(const Container& c) const {
  ContainerInfo i;
  i.id = c.id;
  i.name = c.spec.name;
  i.image = c.spec.image;
  i.labels = c.spec.labels;
  i.running = c.running;
  i.pid = c.pid;
  for (const auto& n : c.networks) {
    const auto a = c.ipv4.find(n);
    i.ipv4[n] = a == c.ipv4.end() ? "" : a->second;
  }
  i.cpuset_cpus = c.spec.cpuset_cpus;
  return i;
}

NetworkInfo FakeContainerRuntime::info_of(const Network& n) const {
  return NetworkInfo{n.id, n.spec.name, "br-" + n.id.substr(0, 12), n.spec.subnet, n.spec.labels};
}

Status FakeContainerRuntime::ping() {
  std::lock_guard lock(mu_);
  return call("ping", "ping");
}

Result<EngineInfo> FakeContainerRuntime::info() {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("info", "info"));
  return EngineInfo{"20.10.24+dfsg1", "1.41", "overlay2", "cgroupfs", "2", "6.1.0-fake", {"name=seccomp,profile=default"}};
}

Result<bool> FakeContainerRuntime::image_exists(const std::string& ref) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("image_exists", "image_exists " + ref));
  return images.count(ref) != 0;
}

Status FakeContainerRuntime::build_agent_image(const std::string& ref, const std::string& agent_path) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("build_agent_image", "build_agent_image " + ref + " agent=" + agent_path));
  if (::access(agent_path.c_str(), R_OK) != 0)
    return Error::from_errno("docker: build image " + q(ref) + ": open " + q(agent_path), errno);
  images[ref] = {{label_image, "agent"}};
  return Ok{};
}

Status FakeContainerRuntime::remove_image(const std::string& ref) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("remove_image", "remove_image " + ref));
  const std::string what = "remove image " + q(ref);
  const auto it = images.find(ref);
  if (it == images.end()) return not_found(what, "image", ref);
  if (it->second.count(label_image) == 0)
    return Error("docker: " + what + ": refused: latlab did not build it (no latlab.image label)", EPERM);
  images.erase(it);
  return Ok{};
}

Result<std::string> FakeContainerRuntime::create_container(const ContainerSpec& spec) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  std::string line = "create_container " + spec.name + " image=" + spec.image + " network=" + spec.network;
  if (spec.ipv4) line += " ipv4=" + *spec.ipv4;
  LATLAB_TRY(call("create_container", line));
  const std::string what = "create container " + q(spec.name);
  if (containers.count(spec.name) != 0) {
    return Error("docker: " + what + ": 409 Conflict: Conflict. The container name \"/" + spec.name +
                     "\" is already in use",
                 EEXIST);
  }
  if (images.count(spec.image) == 0) return not_found(what, "image", spec.image);
  if (!builtin_network(spec.network) && find_network(spec.network) == nullptr)
    return not_found(what, "network", spec.network);
  if (spec.ipv4 && builtin_network(spec.network)) {
    return Error("docker: " + what + ": 400 Bad Request: user specified IP address is supported on user defined "
                     "networks only",
                 EINVAL);
  }
  Container c;
  c.spec = spec;
  c.id = next_id();
  if (spec.network != "none") c.networks.push_back(spec.network);
  if (spec.ipv4) c.requested[spec.network] = *spec.ipv4;
  const std::string id = c.id;
  containers[spec.name] = std::move(c);
  return id;
}

Status FakeContainerRuntime::copy_file_in(const std::string& container, const std::string& host_file,
                                          const std::string& path) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("copy_file_in", "copy_file_in " + container + " " + host_file + " " + path));
  const std::string what = "copy " + q(host_file) + " into container " + q(container) + " at " + q(path);
  Container* c = find_container(container);
  if (c == nullptr) return not_found(what, "container", container);
  if (::access(host_file.c_str(), R_OK) != 0) return Error::from_errno("docker: " + what + ": open " + q(host_file), errno);
  c->files[path] = host_file;
  return Ok{};
}

Status FakeContainerRuntime::start_container(const std::string& container) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("start_container", "start_container " + container));
  Container* c = find_container(container);
  if (c == nullptr) return not_found("start container " + q(container), "container", container);
  if (c->running) return Ok{};
  c->running = true;
  c->pid = ::getpid();
  for (const auto& n : c->networks) {
    if (c->ipv4.count(n) != 0) continue;
    const auto asked = c->requested.find(n);
    if (asked != c->requested.end()) {
      c->ipv4[n] = asked->second;
    } else if (n == "bridge") {
      c->ipv4[n] = "172.17.0." + std::to_string(next_bridge_host_++);
    } else if (Network* net = find_network(n)) {
      c->ipv4[n] = host_in(net->spec.subnet, net->next_host++);
    }
  }
  return Ok{};
}

Result<ContainerInfo> FakeContainerRuntime::inspect_container(const std::string& container) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("inspect_container", "inspect_container " + container));
  Container* c = find_container(container);
  if (c == nullptr) return not_found("inspect container " + q(container), "container", container);
  return info_of(*c);
}

Status FakeContainerRuntime::remove_container(const std::string& container, const std::string& lab) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("remove_container", "remove_container " + container + " lab=" + lab));
  const std::string what = "remove container " + q(container);
  Container* c = find_container(container);
  if (c == nullptr) return not_found(what, "container", container);
  LATLAB_TRY(check_lab(what, c->spec.labels, lab));
  containers.erase(c->spec.name);
  return Ok{};
}

Result<std::vector<ContainerInfo>> FakeContainerRuntime::list_containers(const std::string& label_filter) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("list_containers", "list_containers " + label_filter));
  std::vector<ContainerInfo> out;
  for (const auto& [name, c] : containers) {
    if (matches(c.spec.labels, label_filter)) out.push_back(info_of(c));
  }
  return out;
}

Result<std::string> FakeContainerRuntime::create_network(const NetworkSpec& spec) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("create_network", "create_network " + spec.name + " subnet=" + spec.subnet));
  if (networks.count(spec.name) != 0 || builtin_network(spec.name)) {
    return Error("docker: create network " + q(spec.name) + ": 409 Conflict: network with name " + spec.name +
                     " already exists",
                 EEXIST);
  }
  Network n;
  n.spec = spec;
  n.id = next_id();
  const std::string id = n.id;
  networks[spec.name] = std::move(n);
  return id;
}

Result<NetworkInfo> FakeContainerRuntime::inspect_network(const std::string& network) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("inspect_network", "inspect_network " + network));
  Network* n = find_network(network);
  if (n == nullptr) return not_found("inspect network " + q(network), "network", network);
  return info_of(*n);
}

Status FakeContainerRuntime::connect_network(const std::string& network, const std::string& container,
                                             const std::optional<std::string>& ipv4) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  std::string line = "connect_network " + network + " " + container;
  if (ipv4) line += " ipv4=" + *ipv4;
  LATLAB_TRY(call("connect_network", line));
  const std::string what = "connect container " + q(container) + " to network " + q(network);
  Network* n = find_network(network);
  if (n == nullptr) return not_found(what, "network", network);
  Container* c = find_container(container);
  if (c == nullptr) return not_found(what, "container", container);
  for (const auto& have : c->networks) {
    if (have == n->spec.name)
      return Error("docker: " + what + ": 403 Forbidden: endpoint with name " + c->spec.name + " already exists in network " + n->spec.name, EACCES);
  }
  c->networks.push_back(n->spec.name);
  if (ipv4) c->requested[n->spec.name] = *ipv4;
  if (c->running) c->ipv4[n->spec.name] = ipv4 ? *ipv4 : host_in(n->spec.subnet, n->next_host++);
  return Ok{};
}

Status FakeContainerRuntime::remove_network(const std::string& network, const std::string& lab) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("remove_network", "remove_network " + network + " lab=" + lab));
  const std::string what = "remove network " + q(network);
  Network* n = find_network(network);
  if (n == nullptr) return not_found(what, "network", network);
  LATLAB_TRY(check_lab(what, n->spec.labels, lab));
  for (const auto& [name, c] : containers) {
    for (const auto& have : c.networks) {
      if (have == n->spec.name)
        return Error("docker: " + what + ": 403 Forbidden: error while removing network: network " + n->spec.name +
                         " id " + n->id + " has active endpoints",
                     EACCES);
    }
  }
  networks.erase(n->spec.name);
  return Ok{};
}

Result<std::vector<NetworkInfo>> FakeContainerRuntime::list_networks(const std::string& label_filter) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  LATLAB_TRY(call("list_networks", "list_networks " + label_filter));
  std::vector<NetworkInfo> out;
  for (const auto& [name, n] : networks) {
    if (matches(n.spec.labels, label_filter)) out.push_back(info_of(n));
  }
  return out;
}

Result<std::unique_ptr<process::Child>> FakeContainerRuntime::exec(const std::string& container, const ExecSpec& spec) {
  std::lock_guard lock(mu_);  // the engine takes calls from several threads at once
  std::string line = "exec " + container;
  for (const auto& a : spec.argv) line += " " + a;
  LATLAB_TRY(call("exec", line));
  Container* c = find_container(container);
  if (c == nullptr) return not_found("exec in " + q(container), "container", container);
  return Error("fake: exec not supported", ENOSYS);
}

}  // namespace latlab::docker
