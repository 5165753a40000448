// Docker nodes through the real `latlab` binary against the real engine:
// up and down leave `docker ps -a`, `docker network ls`, `iptables -S` and
// `ip link` as they were; a run pings across docker0, a user-defined Docker
// network and a lab veth, with agents exec'd inside containers and through
// setns, and a tcpdump capture inside a container; SIGKILL during `up` of a
// 20-container lab, then `cleanup`, leaves nothing; a decoy named like latlab's
// is never touched; no engine fails before anything is touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cstring>
#include <random>
#include <sstream>
#include <thread>

#include "docker/engine_api.h"
#include "support/privileged.h"
#include "topology_support.h"

namespace latlab::test {
namespace {

using ::testing::HasSubstr;

const std::string latlab_bin = std::string(LATLAB_BIN_DIR) + "/latlab";

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = "/tmp/" + name + ".json";
  std::ofstream(path) << text;
  return path;
}

// What Docker and the firewall look like, without other labs' objects.
std::string docker_snapshot(const std::string& keep_lab) {
  std::string s = host_snapshot(keep_lab);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"docker", "ps", "-a", "--format", "{{.Names}} {{.Labels}}"},
           {"docker", "network", "ls", "--format", "{{.Name}} {{.Driver}}"},
           {"iptables", "-S"}}) {
    s += "$";
    for (const auto& a : args) s += " " + a;
    s += "\n" + drop_foreign(run(args).out, keep_lab);
  }
  return s;
}

std::string labelled(const std::string& what, const std::string& lab) {
  return run({"docker", what == "containers" ? "ps" : "network", what == "containers" ? "-aq" : "ls", "-q",
              "--filter", "label=latlab.lab=" + lab})
      .out;
}

struct Cleanup {
  std::string lab;
  ~Cleanup() { run({latlab_bin, "cleanup", lab}); }
};

// Containers on docker0 and on a user network, a lab veth between two of
// them, a netns node on a lab bridge with the host.
std::string mixed_lab(const std::string& lab) {
  return R"({"latlab": 1, "name": ")" + lab + R"(",
    "nodes": {"host": {"kind": "host"},
              "d1": {"kind": "docker"}, "d2": {"kind": "docker", "agent": "setns"},
              "u1": {"kind": "docker", "network": "un"}, "u2": {"kind": "docker", "network": "un"},
              "n1": {"kind": "netns"}},
    "links": [{"kind": "docker-network", "name": "un", "subnet": "198.18.120.0/24", "forward": true},
              {"kind": "veth", "endpoints": [{"at": "d1:eth1", "addresses": ["198.18.121.1/30"]},
                                             {"at": "d2:eth1", "addresses": ["198.18.121.2/30"]}]},
              {"kind": "bridge", "node": "host", "name": "b)" + lab + R"(", "addresses": ["198.18.122.1/24"],
               "members": [{"at": "n1:eth0", "addresses": ["198.18.122.2/24"]}]}],
    "experiments": [
      {"name": "host-d1", "probe": "icmp", "from": "host", "to": "d1:eth0", "count": 20, "interval": "1ms"},
      {"name": "d1-d2-docker0", "probe": "udp", "from": "d1", "to": "d2:eth0", "count": 20, "interval": "1ms"},
      {"name": "u1-u2", "probe": "icmp", "from": "u1", "to": "u2:eth0", "count": 20, "interval": "1ms",
       "captures": [{"kind": "tcpdump", "required": true}]},
      {"name": "d1-d2-veth", "probe": "udp", "from": "d1", "to": "d2:eth1", "count": 20, "interval": "1ms"},
      {"name": "d1-localhost", "probe": "icmp", "from": "d1", "to": "localhost", "count": 20, "interval": "1ms"},
      {"name": "host-n1", "probe": "icmp", "from": "host", "to": "n1:eth0", "count": 20, "interval": "1ms"}],
    "repeat": 1})";
}

TEST(DockerE2E, UpAndDownLeaveDockerTheFirewallAndLinksAsTheyWere) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_DOCKER();
  std::string lab = random_lab();
  Cleanup guard{lab};
  std::string file = write_temp(lab, mixed_lab(lab));
  ASSERT_EQ(run({latlab_bin, "image", "build"}).code, 0);
  const std::string before = docker_snapshot(lab);
  auto up = run({latlab_bin, "up", file});
  ASSERT_EQ(up.code, 0) << up.out;
  // Labelled containers and network, namespace links usable with `ip netns exec`.
  const std::string containers = labelled("containers", lab), networks = labelled("networks", lab);
  EXPECT_EQ(std::count(containers.begin(), containers.end(), '\n'), 4) << containers;
  EXPECT_EQ(std::count(networks.begin(), networks.end(), '\n'), 1) << networks;
  auto in_ns = run({"ip", "netns", "exec", "latlab-" + lab + "-d1", "ip", "-o", "link", "show", "eth1"});
  EXPECT_EQ(in_ns.code, 0) << in_ns.out;
  auto rules = run({"iptables", "-S", "DOCKER-USER"}).out;
  EXPECT_THAT(rules, HasSubstr("latlab:" + lab));
  auto down = run({latlab_bin, "down", lab});
  ASSERT_EQ(down.code, 0) << down.out;
  EXPECT_THAT(down.out, HasSubstr("4 containers, 1 Docker network"));
  EXPECT_EQ(docker_snapshot(lab), before);
}

TEST(DockerE2E, RunPingsAcrossDocker0AUserNetworkAndALabVethFromInsideContainers) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_DOCKER();
  std::string lab = random_lab();
  Cleanup guard{lab};
  std::string file = write_temp(lab, mixed_lab(lab));
  const std::string db = "/tmp/" + lab + ".db";
  const std::string before = docker_snapshot(lab);
  auto r = run({latlab_bin, "run", file, "--db", db, "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  auto scalar = [&](const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  };
  for (const char* e : {"host-d1", "d1-d2-docker0", "u1-u2", "d1-d2-veth", "d1-localhost", "host-n1"}) {
    SCOPED_TRACE(e);
    EXPECT_EQ(scalar(std::string("SELECT COUNT(*) FROM samples s JOIN experiments x ON x.id = s.experiment_id "
                                 "WHERE x.name = '") + e + "' AND s.status = 0 AND s.warmup = 0"),
              "20");
  }
  // docker0's addresses came from the engine, after up.
  EXPECT_EQ(scalar("SELECT substr(target, 1, 7) FROM experiments WHERE name = 'host-d1'"), "172.17.");
  // How the agents ran is stored: exec in d1, setns in d2.
  auto params = nlohmann::json::parse(scalar("SELECT params_json FROM experiments WHERE name = 'd1-d2-docker0'"));
  EXPECT_EQ(params.value("agent", ""), "exec/setns");
  // The environment says what a container path crosses.
  auto host = nlohmann::json::parse(scalar("SELECT host_json FROM runs"));
  EXPECT_FALSE(host["docker"]["engine"]["server_version"].get<std::string>().empty());
  EXPECT_TRUE(host["docker"]["netfilter"].contains("net.bridge.bridge-nf-call-iptables"));
  EXPECT_EQ(host["docker"]["containers"]["d1"]["agent"], "exec");
  EXPECT_EQ(host["docker"]["containers"]["d1"]["seccomp"], "default profile");
  // The capture inside u1 saw the requests.
  EXPECT_NE(scalar("SELECT COUNT(*) FROM captures c JOIN experiments x ON x.id = c.experiment_id WHERE x.name = "
                   "'u1-u2' AND c.status = 'ok'"),
            "0");
  sqlite3_close(h);
  std::filesystem::remove(db);
  EXPECT_EQ(docker_snapshot(lab), before);
}

std::string twenty_containers(const std::string& lab) {
  std::string nodes = R"("host": {"kind": "host"})";
  for (int i = 0; i < 20; ++i)
    nodes += ", \"c" + std::to_string(i) + "\": {\"kind\": \"docker\", \"network\": \"" +
             (i % 2 ? "bridge" : "un") + "\"}";
  return R"({"latlab": 1, "name": ")" + lab + R"(", "nodes": {)" + nodes + R"(},
    "links": [{"kind": "docker-network", "name": "un", "subnet": "198.18.124.0/24", "forward": true}]})";
}

TEST(DockerE2E, SigkillDuringUpOfTwentyContainersThenCleanupLeavesNothing) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_DOCKER();
  std::string lab = random_lab();
  Cleanup guard{lab};
  std::string file = write_temp(lab, twenty_containers(lab));
  ASSERT_EQ(run({latlab_bin, "image", "build"}).code, 0);
  const std::string before = docker_snapshot(lab);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run({latlab_bin, "up", file}).code, 0);
  auto full = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  ASSERT_EQ(run({latlab_bin, "down", lab}).code, 0);
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<long> delay(full.count() / 10, full.count() * 9 / 10);
  for (int i = 0; i < 3; ++i) {
    pid_t pid = spawn_silent({latlab_bin, "up", file});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
    ::kill(pid, SIGKILL);
    int st = 0;
    ::waitpid(pid, &st, 0);
    auto c = run({latlab_bin, "cleanup", lab});
    ASSERT_EQ(c.code, 0) << c.out;
    EXPECT_EQ(labelled("containers", lab), "");
    EXPECT_EQ(labelled("networks", lab), "");
    EXPECT_THAT(run({"iptables", "-S", "DOCKER-USER"}).out, ::testing::Not(HasSubstr("latlab:" + lab)));
    EXPECT_EQ(docker_snapshot(lab), before) << "after kill " << i;
  }
}

TEST(DockerE2E, ADecoyNamedLikeLatlabsIsNeverTouched) {
  LATLAB_REQUIRE_ROOT();
  LATLAB_REQUIRE_DOCKER();
  std::string lab = random_lab();
  Cleanup guard{lab};
  ASSERT_EQ(run({latlab_bin, "image", "build"}).code, 0);
  const std::string decoy = "latlab-" + lab + "-d1";
  // Someone else's container and network under latlab's names, without its labels.
  ASSERT_EQ(run({"docker", "create", "--name", decoy, "--network", "none", "latlab-agent:0.1.0", "hold"}).code, 0);
  ASSERT_EQ(run({"docker", "network", "create", "--subnet", "198.18.126.0/24", "latlab-" + lab + "-un"}).code, 0);
  struct Remove {
    std::string c, n;
    ~Remove() {
      run({"docker", "rm", "-f", c});
      run({"docker", "network", "rm", n});
    }
  } remove{decoy, "latlab-" + lab + "-un"};
  std::string file = write_temp(lab, mixed_lab(lab));
  auto up = run({latlab_bin, "up", file});
  EXPECT_NE(up.code, 0);
  EXPECT_THAT(up.out, HasSubstr("already"));
  auto c = run({latlab_bin, "cleanup", "--all"});
  EXPECT_EQ(c.code, 0) << c.out;
  EXPECT_EQ(run({"docker", "inspect", "-f", "{{.Name}}", decoy}).out, "/" + decoy + "\n");
  EXPECT_EQ(run({"docker", "network", "inspect", "-f", "{{.Name}}", "latlab-" + lab + "-un"}).code, 0);
}

TEST(DockerE2E, WithoutAnEngineUpFailsBeforeTouchingAnything) {
  LATLAB_REQUIRE_ROOT();
  std::string lab = random_lab();
  Cleanup guard{lab};
  std::string file = write_temp(lab, mixed_lab(lab));
  const std::string before = host_snapshot(lab);
  auto up = run({"env", "DOCKER_HOST=unix:///nonexistent/docker.sock", latlab_bin, "up", file});
  EXPECT_EQ(up.code, 3) << up.out;
  EXPECT_THAT(up.out, HasSubstr("/nonexistent/docker.sock"));
  EXPECT_THAT(up.out, HasSubstr("node kind \"netns\" builds the same namespaces without one"));
  EXPECT_EQ(host_snapshot(lab), before);
  EXPECT_EQ(run({latlab_bin, "ls"}).out.find(lab), std::string::npos);
}

}  // namespace
}  // namespace latlab::test
