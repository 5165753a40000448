// EngineApiRuntime against the real engine: ping and info, building the agent
// image FROM scratch, containers (create, start, inspect, copy in, exec with
// output, signals and exit codes), networks with a fixed address, and that
// removal touches only what carries the lab's label. Every name starts with
// latlab-itest-<pid>; a guard removes whatever a test created, by force
// through the raw API, even when the test fails. The image is removed when
// the suite ends.
#include "docker/engine_api.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "docker/unix_http.h"
#include "support/privileged.h"

namespace latlab::docker {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kAgent = LATLAB_IMAGE_AGENT;  // static: the images are FROM scratch

std::string prefix() { return "latlab-itest-" + std::to_string(::getpid()); }
std::string lab() { return "itest-" + std::to_string(::getpid()); }
std::string image_ref() { return prefix() + "-agent:test"; }

// Deletes by force, without any label check, what the test made.
class Cleanup {
 public:
  Cleanup() : http_(default_socket_path()) {}
  ~Cleanup() {
    for (const auto& c : containers_) del("/containers/" + url_escape(c) + "?force=1&v=1");
    for (const auto& n : networks_) del("/networks/" + url_escape(n));
  }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
  // Recorded before it is created.
  std::string container(const std::string& name) { return containers_.emplace_back(name); }
  std::string network(const std::string& name) { return networks_.emplace_back(name); }
  static void remove_image(const std::string& ref) {
    UnixHttpClient http(default_socket_path());
    (void)http.perform(HttpRequest{"DELETE", "/v1.41/images/" + url_escape(ref) + "?force=1"});
  }

 private:
  void del(const std::string& path) { (void)http_.perform(HttpRequest{"DELETE", "/v1.41" + path}); }
  UnixHttpClient http_;
  std::vector<std::string> containers_, networks_;
};

class EngineApiTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    if (built_) Cleanup::remove_image(image_ref());
    built_ = false;
  }

  // Builds the suite's image once per process.
  void need_image() {
    if (built_) return;
    ASSERT_TRUE(fs::exists(kAgent)) << kAgent;
    built_ = true;  // remove it at the end even if the build half-failed
    auto built = rt_.build_agent_image(image_ref(), kAgent);
    ASSERT_TRUE(built) << built.error().message();
  }

  ContainerSpec holder(const std::string& name, const std::string& lab_value) {
    ContainerSpec s;
    s.name = guard_.container(name);
    s.image = image_ref();
    s.labels = {{label_lab, lab_value}, {label_node, "n"}};
    s.entrypoint = {"/latlab-agent", "hold"};
    return s;
  }

  // A running container holding /latlab-agent hold.
  std::string running(const std::string& suffix) {
    auto s = holder(prefix() + "-" + suffix, lab());
    auto id = rt_.create_container(s);
    EXPECT_TRUE(id) << id.error().message();
    auto started = rt_.start_container(s.name);
    EXPECT_TRUE(started) << started.error().message();
    return s.name;
  }

  EngineApiRuntime rt_;
  Cleanup guard_;
  static inline bool built_ = false;
};

TEST(EngineApiNoEngine, ErrorSaysWhereItAsked) {
  EngineApiRuntime rt("/nonexistent/docker.sock");
  auto p = rt.ping();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message(),
            "the Docker engine did not answer at /nonexistent/docker.sock: connect: No such file or directory");
  EXPECT_EQ(p.error().exit_code(), ExitCode::environment);
  auto i = rt.inspect_container("x");
  ASSERT_FALSE(i);
  EXPECT_EQ(i.error().message(),
            "docker: inspect container \"x\": the Docker engine did not answer at /nonexistent/docker.sock: connect: "
            "No such file or directory");
}

TEST_F(EngineApiTest, PingAndInfo) {
  LATLAB_REQUIRE_DOCKER();
  ASSERT_TRUE(rt_.ping());
  auto info = rt_.info();
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_FALSE(info->server_version.empty());
  EXPECT_EQ(info->api_version, "1.41");
  EXPECT_FALSE(info->storage_driver.empty());
  EXPECT_FALSE(info->cgroup_driver.empty());
  EXPECT_TRUE(info->cgroup_version == "1" || info->cgroup_version == "2") << info->cgroup_version;
  EXPECT_FALSE(info->kernel_version.empty());
}

TEST_F(EngineApiTest, BuildCreateStartInspect) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  auto exists = rt_.image_exists(image_ref());
  ASSERT_TRUE(exists) << exists.error().message();
  EXPECT_TRUE(*exists);
  auto absent = rt_.image_exists(prefix() + "-never-built:x");
  ASSERT_TRUE(absent) << absent.error().message();
  EXPECT_FALSE(*absent);

  auto s = holder(prefix() + "-c1", lab());
  s.hostname = "c1";
  s.cpuset_cpus = "0";
  auto id = rt_.create_container(s);
  ASSERT_TRUE(id) << id.error().message();
  auto again = rt_.create_container(s);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().sys_errno(), EEXIST);
  EXPECT_EQ(again.error().message().rfind("docker: create container \"" + s.name +
                                              "\": 409 Conflict: Conflict. The container name \"/" + s.name +
                                              "\" is already in use",
                                          0),
            0u)
      << again.error().message();

  auto created = rt_.inspect_container(s.name);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_FALSE(created->running);
  EXPECT_EQ(created->pid, 0);

  ASSERT_TRUE(rt_.start_container(s.name));
  ASSERT_TRUE(rt_.start_container(s.name));  // already running: fine
  auto info = rt_.inspect_container(s.name);
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->id, *id);
  EXPECT_EQ(info->name, s.name);
  EXPECT_EQ(info->image, image_ref());
  EXPECT_TRUE(info->running);
  ASSERT_GT(info->pid, 0);
  EXPECT_TRUE(fs::exists("/proc/" + std::to_string(info->pid) + "/ns/net"));
  EXPECT_EQ(info->labels.at(label_lab), lab());
  EXPECT_EQ(info->cpuset_cpus, "0");
  ASSERT_EQ(info->ipv4.count("bridge"), 1u);
  EXPECT_FALSE(info->ipv4.at("bridge").empty());

  auto missing = rt_.inspect_container(prefix() + "-nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().sys_errno(), ENOENT);
  EXPECT_EQ(missing.error().message(), "docker: inspect container \"" + prefix() + "-nope\": 404 Not Found: No such container: " + prefix() + "-nope");

  ASSERT_TRUE(rt_.remove_container(s.name, lab()));
  EXPECT_EQ(rt_.inspect_container(s.name).error().sys_errno(), ENOENT);
  EXPECT_EQ(rt_.remove_container(s.name, lab()).error().sys_errno(), ENOENT);
}

TEST_F(EngineApiTest, ExecCapturesOutputAndExitCode) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  const std::string c = running("exec");
  ExecSpec spec;
  spec.argv = {"/latlab-agent", "version"};
  spec.capture_stdout = true;
  auto child = rt_.exec(c, spec);
  ASSERT_TRUE(child) << child.error().message();
  EXPECT_GT((*child)->pid(), 0);
  EXPECT_GE((*child)->stdout_fd(), 0);
  auto line = (*child)->read_line(10s);
  ASSERT_TRUE(line) << line.error().message();
  ASSERT_TRUE(line->has_value());
  EXPECT_EQ(**line, R"({"type":"version","agent_version":"0.1.0"})");
  auto eof = (*child)->read_line(10s);
  ASSERT_TRUE(eof) << eof.error().message();
  EXPECT_FALSE(eof->has_value());
  auto code = (*child)->wait(10s);
  ASSERT_TRUE(code) << code.error().message();
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE((*child)->exited());

  // A usage error: exit code 2, the message on stderr.
  ExecSpec bad;
  bad.argv = {"/latlab-agent", "bogus"};
  auto b = rt_.exec(c, bad);
  ASSERT_TRUE(b) << b.error().message();
  auto bad_code = (*b)->wait(10s);
  ASSERT_TRUE(bad_code) << bad_code.error().message();
  EXPECT_EQ(*bad_code, 2);
  EXPECT_NE((*b)->stderr_text().find("unknown mode \"bogus\""), std::string::npos) << (*b)->stderr_text();

  // stdout and stderr into host files.
  const fs::path out = fs::temp_directory_path() / (prefix() + "-out.txt");
  ExecSpec to_file;
  to_file.argv = {"/latlab-agent", "bogus"};
  to_file.stdout_file = out.string();
  to_file.stderr_to_stdout = true;
  auto f = rt_.exec(c, to_file);
  ASSERT_TRUE(f) << f.error().message();
  ASSERT_EQ(*(*f)->wait(10s), 2);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("unknown mode"), std::string::npos) << text;
  fs::remove(out);

  auto nowhere = rt_.exec(prefix() + "-nope", spec);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().sys_errno(), ENOENT);
}

TEST_F(EngineApiTest, ExecSignalAndDestructor) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  const std::string c = running("hold");
  ExecSpec spec;
  spec.argv = {"/latlab-agent", "hold"};
  auto child = rt_.exec(c, spec);
  ASSERT_TRUE(child) << child.error().message();
  const pid_t pid = (*child)->pid();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(fs::exists("/proc/" + std::to_string(pid)));
  auto early = (*child)->wait(200ms);
  ASSERT_FALSE(early);  // still holding
  EXPECT_EQ(early.error().sys_errno(), ETIMEDOUT);
  EXPECT_FALSE((*child)->exited());
  (*child)->signal(SIGTERM);
  auto code = (*child)->wait(10s);
  ASSERT_TRUE(code) << code.error().message();
  EXPECT_EQ(*code, 0);

  // Dropped while running: killed, and the destructor returns.
  auto second = rt_.exec(c, spec);
  ASSERT_TRUE(second) << second.error().message();
  const pid_t pid2 = (*second)->pid();
  const auto t0 = std::chrono::steady_clock::now();
  second->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  const auto gone_by = std::chrono::steady_clock::now() + 5s;
  while (::kill(pid2, 0) == 0 && std::chrono::steady_clock::now() < gone_by) std::this_thread::sleep_for(10ms);
  EXPECT_NE(::kill(pid2, 0), 0) << "pid " << pid2 << " still exists";
}

TEST_F(EngineApiTest, CopyFileIn) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  auto s = holder(prefix() + "-copy", lab());
  ASSERT_TRUE(rt_.create_container(s));
  auto copied = rt_.copy_file_in(s.name, kAgent, "/copied-agent");
  ASSERT_TRUE(copied) << copied.error().message();
  ASSERT_TRUE(rt_.start_container(s.name));
  ExecSpec spec;
  spec.argv = {"/copied-agent", "version"};
  spec.capture_stdout = true;
  auto child = rt_.exec(s.name, spec);
  ASSERT_TRUE(child) << child.error().message();
  auto line = (*child)->read_line(10s);
  ASSERT_TRUE(line && line->has_value());
  EXPECT_NE((*line)->find("\"type\":\"version\""), std::string::npos);
  EXPECT_EQ(*(*child)->wait(10s), 0);  // it is executable: mode 0755

  auto missing = rt_.copy_file_in(prefix() + "-nope", kAgent, "/x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().sys_errno(), ENOENT);
  auto no_file = rt_.copy_file_in(s.name, "/nonexistent/file", "/x");
  ASSERT_FALSE(no_file);
  EXPECT_EQ(no_file.error().sys_errno(), ENOENT);
}

TEST_F(EngineApiTest, NetworksWithFixedAddresses) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  NetworkSpec n;
  n.name = guard_.network(prefix() + "-net");
  n.subnet = "198.19.250.0/24";
  n.gateway = "198.19.250.1";
  n.labels = {{label_lab, lab()}, {label_link, "l1"}};
  n.mtu = "1400";
  auto id = rt_.create_network(n);
  ASSERT_TRUE(id) << id.error().message();
  auto again = rt_.create_network(n);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().sys_errno(), EEXIST) << again.error().message();

  auto info = rt_.inspect_network(n.name);
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->id, *id);
  EXPECT_EQ(info->name, n.name);
  EXPECT_EQ(info->subnet, "198.19.250.0/24");
  EXPECT_EQ(info->bridge, "br-" + id->substr(0, 12));
  EXPECT_EQ(info->labels.at(label_link), "l1");

  auto listed = rt_.list_networks(std::string(label_lab) + "=" + lab());
  ASSERT_TRUE(listed) << listed.error().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, n.name);

  auto s = holder(prefix() + "-netc", lab());
  ASSERT_TRUE(rt_.create_container(s));
  auto connected = rt_.connect_network(n.name, s.name, "198.19.250.5");
  ASSERT_TRUE(connected) << connected.error().message();
  ASSERT_TRUE(rt_.start_container(s.name));
  auto c = rt_.inspect_container(s.name);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_EQ(c->ipv4.count(n.name), 1u);
  EXPECT_EQ(c->ipv4.at(n.name), "198.19.250.5");
  EXPECT_TRUE(fs::exists("/sys/class/net/" + info->bridge)) << info->bridge;

  // A container created on the network with its address.
  auto s2 = holder(prefix() + "-netc2", lab());
  s2.network = n.name;
  s2.ipv4 = "198.19.250.6";
  ASSERT_TRUE(rt_.create_container(s2));
  ASSERT_TRUE(rt_.start_container(s2.name));
  EXPECT_EQ(rt_.inspect_container(s2.name)->ipv4.at(n.name), "198.19.250.6");

  auto foreign = rt_.remove_network(n.name, "other");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().sys_errno(), EPERM);
  ASSERT_TRUE(rt_.remove_container(s.name, lab()));
  ASSERT_TRUE(rt_.remove_container(s2.name, lab()));
  auto removed = rt_.remove_network(n.name, lab());
  ASSERT_TRUE(removed) << removed.error().message();
  EXPECT_EQ(rt_.inspect_network(n.name).error().sys_errno(), ENOENT);
  EXPECT_EQ(rt_.remove_network(n.name, lab()).error().sys_errno(), ENOENT);
}

TEST_F(EngineApiTest, RemoveTouchesOnlyTheLabsOwn) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  auto other = holder(prefix() + "-other", "other");
  ASSERT_TRUE(rt_.create_container(other));
  auto refused = rt_.remove_container(other.name, lab());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().sys_errno(), EPERM);
  EXPECT_EQ(refused.error().message(),
            "docker: remove container \"" + other.name + "\": refused: it belongs to lab \"other\", not \"" + lab() + "\"");
  EXPECT_TRUE(rt_.inspect_container(other.name));

  // Named like latlab's own container of this lab, but not labelled.
  ContainerSpec decoy;
  decoy.name = guard_.container("latlab-" + lab() + "-c1");
  decoy.image = image_ref();
  decoy.entrypoint = {"/latlab-agent", "hold"};
  ASSERT_TRUE(rt_.create_container(decoy));
  ASSERT_TRUE(rt_.start_container(decoy.name));
  auto not_ours = rt_.remove_container(decoy.name, lab());
  ASSERT_FALSE(not_ours);
  EXPECT_EQ(not_ours.error().sys_errno(), EPERM);
  EXPECT_EQ(not_ours.error().message(), "docker: remove container \"" + decoy.name +
                                            "\": refused: latlab did not create it (no latlab.lab label)");
  auto still = rt_.inspect_container(decoy.name);
  ASSERT_TRUE(still) << still.error().message();
  EXPECT_TRUE(still->running);
}

TEST_F(EngineApiTest, ListFiltersByLabel) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  ASSERT_TRUE(rt_.create_container(holder(prefix() + "-a", lab())));
  const std::string b = running("b");
  ASSERT_TRUE(rt_.create_container(holder(prefix() + "-x", lab() + "-x")));
  auto ours = rt_.list_containers(std::string(label_lab) + "=" + lab());
  ASSERT_TRUE(ours) << ours.error().message();
  std::set<std::string> names;
  for (const auto& c : *ours) {
    names.insert(c.name);
    if (c.name == b) {
      EXPECT_TRUE(c.running);
      EXPECT_GT(c.pid, 0);
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{prefix() + "-a", b}));
  auto theirs = rt_.list_containers(std::string(label_lab) + "=" + lab() + "-x");
  ASSERT_TRUE(theirs);
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ((*theirs)[0].name, prefix() + "-x");
  auto any = rt_.list_containers(label_lab);
  ASSERT_TRUE(any);
  EXPECT_GE(any->size(), 3u);
}

TEST_F(EngineApiTest, RemoveImageOnlyLatlabs) {
  LATLAB_REQUIRE_DOCKER();
  need_image();
  auto missing = rt_.remove_image(prefix() + "-never-built:x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().sys_errno(), ENOENT);
  ASSERT_TRUE(rt_.remove_image(image_ref()));
  EXPECT_FALSE(*rt_.image_exists(image_ref()));
  built_ = false;
}

}  // namespace
}  // namespace latlab::docker
