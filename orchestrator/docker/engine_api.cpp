#include "docker/engine_api.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "docker/api_call.h"
#include "docker/exec_child.h"
#include "docker/tar.h"

namespace latlab::docker {

namespace {

using json = nlohmann::json;

// Reads a JSON answer's fields; a missing or mistyped field reads as empty.
std::string str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& obj(const json& j, const char* key) {
  static const json empty = json::object();
  if (!j.is_object()) return empty;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

std::map<std::string, std::string> string_map(const json& j) {
  std::map<std::string, std::string> out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_string()) out[it.key()] = it->get<std::string>();
  }
  return out;
}

std::vector<std::string> string_list(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

// ?filters={"label":["latlab.lab=demo"]}
std::string label_filters(const std::string& label_filter) {
  json f = json::object();
  if (!label_filter.empty()) f["label"] = json::array({label_filter});
  return url_escape(f.dump());
}

ContainerInfo container_info(const json& j) {
  ContainerInfo c;
  c.id = str(j, "Id");
  c.name = str(j, "Name");
  if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
  const json& config = obj(j, "Config");
  c.image = str(config, "Image");
  c.labels = string_map(config.value("Labels", json::object()));
  const json& state = obj(j, "State");
  c.running = state.value("Running", false);
  c.pid = c.running ? static_cast<pid_t>(state.value("Pid", 0)) : 0;
  for (const auto& [net, ep] : obj(obj(j, "NetworkSettings"), "Networks").items()) c.ipv4[net] = str(ep, "IPAddress");
  const json& host = obj(j, "HostConfig");
  c.cpuset_cpus = str(host, "CpusetCpus");
  const auto nano = host.find("NanoCpus");
  if (nano != host.end() && nano->is_number()) c.nano_cpus = nano->get<double>() / 1e9;
  c.security_options = string_list(host.value("SecurityOpt", json::array()));
  return c;
}

NetworkInfo network_info(const json& j) {
  NetworkInfo n;
  n.id = str(j, "Id");
  n.name = str(j, "Name");
  n.labels = string_map(j.value("Labels", json::object()));
  const auto options = string_map(j.value("Options", json::object()));
  const auto bridge = options.find("com.docker.network.bridge.name");
  n.bridge = bridge != options.end() ? bridge->second : "br-" + n.id.substr(0, 12);
  const json& config = obj(j, "IPAM").value("Config", json::array());
  if (config.is_array()) {
    for (const auto& c : config) {
      const std::string subnet = str(c, "Subnet");
      if (!subnet.empty() && subnet.find(':') == std::string::npos) {
        n.subnet = subnet;
        break;
      }
    }
  }
  return n;
}


Result<UniqueFd> open_output(const std::string& what, const std::string& path) {
  if (path.empty()) return UniqueFd();
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return Error::from_errno(what + " " + q(path), errno);
  return fd;
}

}  // namespace

Status check_lab(const std::string& what, const std::map<std::string, std::string>& labels, const std::string& lab) {
  const auto it = labels.find(label_lab);
  if (it != labels.end() && it->second == lab) return Ok{};
  const std::string why = it == labels.end() ? "latlab did not create it (no " + std::string(label_lab) + " label)"
                                             : "it belongs to lab " + q(it->second) + ", not " + q(lab);
  return Error("docker: " + what + ": refused: " + why, EPERM);
}

std::string default_socket_path() {
  const char* host = std::getenv("DOCKER_HOST");
  const std::string prefix = "unix://";
  if (host != nullptr && std::string(host).rfind(prefix, 0) == 0 && std::string(host).size() > prefix.size())
    return std::string(host).substr(prefix.size());
  return "/var/run/docker.sock";
}

EngineApiRuntime::EngineApiRuntime(std::string socket_path) : http_(std::move(socket_path)) {}

Status EngineApiRuntime::ping() {
  HttpRequest req;
  req.target = api_target("/_ping");
  req.timeout = std::chrono::seconds(10);
  auto resp = http_.perform(req);
  if (!resp) return std::move(resp).error();
  if (resp->status != 200) return api_error("ping", *resp);
  return Ok{};
}

Result<EngineInfo> EngineApiRuntime::info() {
  auto i = call_json(http_, "info", "GET", "/info");
  if (!i) return std::move(i).error();
  auto v = call_json(http_, "version", "GET", "/version");
  if (!v) return std::move(v).error();
  EngineInfo e;
  e.server_version = str(*v, "Version");
  e.api_version = str(*v, "ApiVersion");
  e.storage_driver = str(*i, "Driver");
  e.cgroup_driver = str(*i, "CgroupDriver");
  e.cgroup_version = str(*i, "CgroupVersion");
  e.kernel_version = str(*i, "KernelVersion");
  e.security_options = string_list(i->value("SecurityOptions", json::array()));
  return e;
}

Result<bool> EngineApiRuntime::image_exists(const std::string& ref) {
  const std::string what = "inspect image " + q(ref);
  HttpRequest req;
  req.target = api_target("/images/" + url_escape(ref) + "/json");
  auto resp = http_.perform(req);
  if (!resp) return transport_error(what, std::move(resp).error());
  if (resp->status == 404) return false;
  if (resp->status != 200) return api_error(what, *resp);
  return true;
}

Status EngineApiRuntime::build_agent_image(const std::string& ref, const std::string& agent_path) {
  const std::string what = "build image " + q(ref);
  auto agent = read_host_file(agent_path);
  if (!agent) return agent.error().with_context("docker: " + what);
  const std::string dockerfile = std::string("FROM scratch\nCOPY latlab-agent /latlab-agent\nLABEL ") + label_image +
                                 "=agent\n";
  TarWriter tar;
  LATLAB_TRY(tar.add_file("Dockerfile", dockerfile, 0644, agent->mtime));
  LATLAB_TRY(tar.add_file("latlab-agent", agent->data, 0755, agent->mtime));
  HttpRequest req;
  req.method = "POST";
  req.target = api_target("/build?t=" + url_escape(ref) + "&rm=1&forcerm=1");
  req.content_type = "application/x-tar";
  req.body = std::move(tar).finish();
  req.timeout = std::chrono::seconds(600);
  auto resp = http_.perform(req);
  if (!resp) return transport_error(what, std::move(resp).error());
  if (resp->status != 200) return api_error(what, *resp);
  // A stream of JSON objects, one a line: {"stream":...}, {"aux":...}, and on
  // failure {"errorDetail":...,"error":"..."} (the status is 200 all the same).
  std::istringstream lines(resp->body);
  std::string line;
  std::string last_stream;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception& ex) {
      return Error("docker: " + what + ": the engine's build output is not JSON: " + ex.what(), EPROTO);
    }
    const std::string error = str(j, "error");
    if (!error.empty()) {
      std::string msg = error;
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
      return Error("docker: " + what + ": " + msg, EIO);
    }
  }
  return Ok{};
}

Status EngineApiRuntime::remove_image(const std::string& ref) {
  const std::string what = "remove image " + q(ref);
  auto j = call_json(http_, what, "GET", "/images/" + url_escape(ref) + "/json");
  if (!j) return std::move(j).error();
  const auto labels = string_map(obj(*j, "Config").value("Labels", json::object()));
  if (labels.count(label_image) == 0) {
    return Error("docker: " + what + ": refused: latlab did not build it (no " + std::string(label_image) + " label)",
                 EPERM);
  }
  auto del = call_json(http_, what, "DELETE", "/images/" + url_escape(ref) + "?force=1");
  if (!del) return std::move(del).error();
  return Ok{};
}

Result<std::string> EngineApiRuntime::create_container(const ContainerSpec& spec) {
  const std::string what = "create container " + q(spec.name);
  json body = {{"Image", spec.image}, {"Labels", spec.labels}, {"Tty", false}};
  if (!spec.entrypoint.empty()) {
    body["Entrypoint"] = spec.entrypoint;
    body["Cmd"] = json::array();
  }
  if (!spec.hostname.empty()) body["Hostname"] = spec.hostname;
  json host = {{"NetworkMode", spec.network}};
  if (!spec.cpuset_cpus.empty()) host["CpusetCpus"] = spec.cpuset_cpus;
  if (!spec.sysctls.empty()) host["Sysctls"] = spec.sysctls;
  body["HostConfig"] = host;
  json endpoint = json::object();
  if (spec.ipv4) endpoint["IPAMConfig"] = {{"IPv4Address", *spec.ipv4}};
  body["NetworkingConfig"] = {{"EndpointsConfig", {{spec.network, endpoint}}}};
  auto j = call_json(http_, what, "POST", "/containers/create?name=" + url_escape(spec.name), &body, EEXIST);
  if (!j) return std::move(j).error();
  const std::string id = str(*j, "Id");
  if (id.empty()) return Error("docker: " + what + ": the engine's answer has no Id", EPROTO);
  return id;
}

Status EngineApiRuntime::copy_file_in(const std::string& container, const std::string& host_file,
                                      const std::string& path) {
  const std::string what = "copy " + q(host_file) + " into container " + q(container) + " at " + q(path);
  const size_t slash = path.rfind('/');
  if (path.empty() || path[0] != '/' || slash + 1 == path.size())
    return Error("docker: " + what + ": the path must be absolute and name a file", EINVAL);
  const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  const std::string base = path.substr(slash + 1);
  auto file = read_host_file(host_file);
  if (!file) return file.error().with_context("docker: " + what);
  TarWriter tar;
  LATLAB_TRY(tar.add_file(base, file->data, 0755, file->mtime));
  HttpRequest req;
  req.method = "PUT";
  req.target = api_target("/containers/" + url_escape(container) + "/archive?path=" + url_escape(dir));
  req.content_type = "application/x-tar";
  req.body = std::move(tar).finish();
  auto resp = http_.perform(req);
  if (!resp) return transport_error(what, std::move(resp).error());
  if (resp->status != 200) return api_error(what, *resp);
  return Ok{};
}

Status EngineApiRuntime::start_container(const std::string& container) {
  const std::string what = "start container " + q(container);
  HttpRequest req;
  req.method = "POST";
  req.target = api_target("/containers/" + url_escape(container) + "/start");
  auto resp = http_.perform(req);
  if (!resp) return transport_error(what, std::move(resp).error());
  if (resp->status == 304) return Ok{};  // already running
  if (resp->status != 204 && resp->status != 200) return api_error(what, *resp);
  return Ok{};
}

Result<ContainerInfo> EngineApiRuntime::inspect_container(const std::string& container) {
  auto j = call_json(http_, "inspect container " + q(container), "GET", "/containers/" + url_escape(container) + "/json");
  if (!j) return std::move(j).error();
  return container_info(*j);
}

Status EngineApiRuntime::remove_container(const std::string& container, const std::string& lab) {
  const std::string what = "remove container " + q(container);
  auto j = call_json(http_, what, "GET", "/containers/" + url_escape(container) + "/json");
  if (!j) return std::move(j).error();
  const ContainerInfo c = container_info(*j);
  LATLAB_TRY(check_lab(what, c.labels, lab));
  // By id: the container checked, even if the name moved meanwhile.
  auto del = call_json(http_, what, "DELETE", "/containers/" + c.id + "?force=1&v=1");
  if (!del) return std::move(del).error();
  return Ok{};
}

Result<std::vector<ContainerInfo>> EngineApiRuntime::list_containers(const std::string& label_filter) {
  const std::string what = "list containers with label " + q(label_filter);
  auto j = call_json(http_, what, "GET", "/containers/json?all=1&filters=" + label_filters(label_filter));
  if (!j) return std::move(j).error();
  std::vector<ContainerInfo> out;
  if (!j->is_array()) return out;
  // The list lacks the PID and the host config: inspect each.
  for (const auto& e : *j) {
    auto c = inspect_container(str(e, "Id"));
    if (!c) {
      if (c.error().sys_errno() == ENOENT) continue;  // removed meanwhile
      return std::move(c).error().context(what);
    }
    out.push_back(std::move(*c));
  }
  return out;
}

Result<std::string> EngineApiRuntime::create_network(const NetworkSpec& spec) {
  const std::string what = "create network " + q(spec.name);
  json config = json::object();
  if (!spec.subnet.empty()) config["Subnet"] = spec.subnet;
  if (!spec.gateway.empty()) config["Gateway"] = spec.gateway;
  json body = {{"Name", spec.name},   {"Driver", "bridge"}, {"CheckDuplicate", true},
               {"Labels", spec.labels}, {"Internal", false},
               {"IPAM", {{"Driver", "default"}, {"Config", config.empty() ? json::array() : json::array({config})}}}};
  json options = json::object();
  if (!spec.mtu.empty()) options["com.docker.network.driver.mtu"] = spec.mtu;
  if (!spec.bridge.empty()) options["com.docker.network.bridge.name"] = spec.bridge;
  body["Options"] = options;
  auto j = call_json(http_, what, "POST", "/networks/create", &body, EEXIST);
  if (!j) return std::move(j).error();
  const std::string id = str(*j, "Id");
  if (id.empty()) return Error("docker: " + what + ": the engine's answer has no Id", EPROTO);
  return id;
}

Result<NetworkInfo> EngineApiRuntime::inspect_network(const std::string& network) {
  auto j = call_json(http_, "inspect network " + q(network), "GET", "/networks/" + url_escape(network));
  if (!j) return std::move(j).error();
  return network_info(*j);
}

Status EngineApiRuntime::connect_network(const std::string& network, const std::string& container,
                                         const std::optional<std::string>& ipv4) {
  const std::string what = "connect container " + q(container) + " to network " + q(network);
  json endpoint = json::object();
  if (ipv4) endpoint["IPAMConfig"] = {{"IPv4Address", *ipv4}};
  json body = {{"Container", container}, {"EndpointConfig", endpoint}};
  auto j = call_json(http_, what, "POST", "/networks/" + url_escape(network) + "/connect", &body, EEXIST);
  if (!j) return std::move(j).error();
  return Ok{};
}

Status EngineApiRuntime::remove_network(const std::string& network, const std::string& lab) {
  const std::string what = "remove network " + q(network);
  auto j = call_json(http_, what, "GET", "/networks/" + url_escape(network));
  if (!j) return std::move(j).error();
  const NetworkInfo n = network_info(*j);
  LATLAB_TRY(check_lab(what, n.labels, lab));
  auto del = call_json(http_, what, "DELETE", "/networks/" + n.id);
  if (!del) return std::move(del).error();
  return Ok{};
}

Result<std::vector<NetworkInfo>> EngineApiRuntime::list_networks(const std::string& label_filter) {
  auto j = call_json(http_, "list networks with label " + q(label_filter), "GET",
                     "/networks?filters=" + label_filters(label_filter));
  if (!j) return std::move(j).error();
  std::vector<NetworkInfo> out;
  if (j->is_array()) {
    for (const auto& e : *j) out.push_back(network_info(e));
  }
  return out;
}

Result<std::unique_ptr<process::Child>> EngineApiRuntime::exec(const std::string& container, const ExecSpec& spec) {
  const std::string name = "exec " + q(spec.argv.empty() ? std::string() : spec.argv[0]) + " in " + q(container);
  if (spec.argv.empty()) return Error("docker: " + name + ": empty argv", EINVAL);
  UniqueFd out_file, err_file;
  if (!spec.capture_stdout) {
    auto f = open_output("docker: " + name + ": open stdout file", spec.stdout_file);
    if (!f) return std::move(f).error();
    out_file = std::move(*f);
  }
  if (!spec.stderr_to_stdout) {
    auto f = open_output("docker: " + name + ": open stderr file", spec.stderr_file);
    if (!f) return std::move(f).error();
    err_file = std::move(*f);
  }
  json body = {{"AttachStdin", false}, {"AttachStdout", true}, {"AttachStderr", true},
               {"Tty", false},         {"Cmd", spec.argv}};
  auto j = call_json(http_, name, "POST", "/containers/" + url_escape(container) + "/exec", &body);
  if (!j) return std::move(j).error();
  const std::string id = str(*j, "Id");
  if (id.empty()) return Error("docker: " + name + ": the engine's answer has no Id", EPROTO);
  auto child = ExecChild::start(http_.socket_path(), id, name, spec, std::move(out_file), std::move(err_file));
  if (!child) return std::move(child).error();
  return std::unique_ptr<process::Child>(std::move(*child));
}

}  // namespace latlab::docker
