// A lab across two machines, as users get it: two "hosts" of this machine
// (network namespaces, each with its own sshd, /run and PID namespace,
// joined by a veth "cable"; support/ssh_hosts.h), a node on each, a VXLAN
// tunnel between them over the cable, and the real latlab binary driving
// them over OpenSSH: `up` copies latlab's binaries and builds each host's
// part with the host's own latlab; `down` and `cleanup` reach both; `run`
// streams the agents' samples from both hosts into this machine's store;
// and a host whose sshd dies mid-run fails its experiments with the cause,
// the run is incomplete, the other host's experiment goes on, and `cleanup`
// removes what was left there once it answers again.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <thread>

#include "support/privileged.h"
#include "support/run_command.h"
#include "support/ssh_hosts.h"

namespace latlab::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One integer from the store.
int64_t query_int(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  int64_t v = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return v;
}

std::string query_text(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string v;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      if (t != nullptr) v = reinterpret_cast<const char*>(t);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return v;
}

class MultiHostE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    LATLAB_REQUIRE_ROOT();
    LATLAB_REQUIRE_HOST(fs::exists("/usr/sbin/sshd"), "openssh-server is not installed (scripts/install-deps.sh)");
    hosts_ = std::make_unique<SshHosts>(ssh_hosts_prefix(), 2);
    ASSERT_EQ(hosts_->error(), "");
    cable_ = hosts_->cable(0, 1);
    ASSERT_EQ(hosts_->error(), "");
    // latlab's own SSH state in the fixture's directory, not root's ~/.ssh.
    const std::string ctl = hosts_->dir() + "/latlab-ctl";
    fs::create_directories(ctl);
    ::setenv("LATLAB_SSH_CONTROL_DIR", ctl.c_str(), 1);
    ::setenv("LATLAB_SSH_KNOWN_HOSTS", (hosts_->dir() + "/known_hosts").c_str(), 1);
    lab_ = "mh" + std::to_string(::getpid() % 100000);
    db_ = hosts_->dir() + "/latlab.db";
  }
  void TearDown() override {
    if (hosts_) {
      if (killed_ >= 0) (void)hosts_->restart_sshd(killed_);
      // Whatever a failed assertion left: the lab on both hosts and here.
      (void)run_command({latlab_bin(), "cleanup", lab_});
      hosts_->down();
      EXPECT_EQ(hosts_->leftovers(), std::vector<std::string>());
    }
    ::unsetenv("LATLAB_SSH_CONTROL_DIR");
    ::unsetenv("LATLAB_SSH_KNOWN_HOSTS");
    EXPECT_FALSE(fs::exists("/run/latlab/" + lab_)) << "the controller's journal is left";
  }

  // h0 and h1 as a scenario declares them.
  json hosts_json() const {
    json hosts = json::object();
    for (int i = 0; i < 2; ++i) {
      auto d = hosts_->dest(i);
      hosts["h" + std::to_string(i)] = {{"address", d.address}, {"user", d.user}, {"identity", d.identity_file}};
    }
    return hosts;
  }

  // The scenario: ha on h0, hb on h1, a VXLAN tunnel over the cable, and
  // the experiments given.
  std::string scenario(const std::string& experiments, int repeat = 1) {
    json s = {{"latlab", 1},
              {"name", lab_},
              {"hosts", hosts_json()},
              {"nodes", {{"ha", {{"kind", "host"}, {"host", "h0"}}}, {"hb", {{"kind", "host"}, {"host", "h1"}}}}},
              {"links", json::array({{{"kind", "vxlan"},
                                      {"endpoints",
                                       json::array({{{"at", "ha:lvx0"}, {"underlay", "cab1"}, {"local", cable_.first}},
                                                    {{"at", "hb:lvx0"}, {"underlay", "cab0"}, {"local", cable_.second}}})}}})},
              {"experiments", json::parse(experiments)},
              {"order", "sequential"},
              {"repeat", repeat}};
    const std::string path = hosts_->dir() + "/lab.json";
    std::ofstream(path) << s.dump(2);
    return path;
  }

  std::string in_host(int i, const std::vector<std::string>& argv) {
    std::vector<std::string> a = {"ip", "netns", "exec", hosts_->netns(i)};
    a.insert(a.end(), argv.begin(), argv.end());
    auto r = run_command(a);
    return r.out + r.err;
  }
  bool has_tunnel(int i) { return in_host(i, {"ip", "-d", "link", "show", "lvx0"}).find("vxlan id") != std::string::npos; }
  std::string host_run(int i) const { return hosts_->dir() + "/h" + std::to_string(i) + "/run"; }

  std::unique_ptr<SshHosts> hosts_;
  std::pair<std::string, std::string> cable_;
  std::string lab_, db_;
  int killed_ = -1;  // the host whose sshd a test killed
};

constexpr const char* kPair = R"([
  {"name": "icmp", "probe": "icmp", "from": "ha", "to": "hb:lvx0", "count": 100, "interval": "2ms", "warmup": 5},
  {"name": "udp", "probe": "udp", "from": "ha", "to": "hb:lvx0", "count": 100, "interval": "2ms", "warmup": 5}])";

TEST_F(MultiHostE2E, UpBuildsEachHostsPartAndDownRemovesThem) {
  const std::string file = scenario(kPair);
  auto up = run_command({latlab_bin(), "up", "--json", file});
  ASSERT_EQ(up.exit_code, 0) << up.err << up.out;
  auto j = json::parse(up.out);
  ASSERT_EQ(j["hosts"].size(), 2u);
  EXPECT_TRUE(j["hosts"][0]["binaries_copied"].get<bool>()) << "a new host gets latlab's binaries";
  ASSERT_EQ(j["nodes"].size(), 2u);
  EXPECT_EQ(j["nodes"][0]["host"], "h0");
  EXPECT_EQ(j["nodes"][1]["host"], "h1");
  // Each host has its own latlab, its own journal of its own part.
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(fs::exists(host_run(i) + "/latlab/.bin/latlab")) << i;
    EXPECT_TRUE(fs::exists(host_run(i) + "/latlab/.bin/latlab-agent")) << i;
    auto journal = json::parse(read_text(host_run(i) + "/latlab/" + lab_ + "/state.json"));
    EXPECT_EQ(journal["part"], "h" + std::to_string(i));
    ASSERT_EQ(journal["links"].size(), 1u);
    EXPECT_TRUE(has_tunnel(i)) << i;
  }
  // The controller's journal lists both hosts and their nodes.
  auto mine = json::parse(read_text("/run/latlab/" + lab_ + "/state.json"));
  ASSERT_EQ(mine["hosts"].size(), 2u);
  EXPECT_EQ(mine["hosts"][1]["nodes"][0]["name"], "hb");
  // The tunnel carries traffic between the hosts.
  const std::string far = j["nodes"][1]["interfaces"][0]["addresses"][0].get<std::string>();
  auto ping = in_host(0, {"ping", "-c", "2", "-W", "2", "-I", "lvx0", far.substr(0, far.find('/'))});
  EXPECT_NE(ping.find(" 0% packet loss"), std::string::npos) << ping;
  // A second up finds the binaries current: nothing copied. (A lab of that
  // name exists, so it is refused here before the hosts are asked.)
  auto again = run_command({latlab_bin(), "up", file});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;

  auto down = run_command({latlab_bin(), "down", lab_});
  ASSERT_EQ(down.exit_code, 0) << down.err << down.out;
  EXPECT_NE(down.out.find("host h0: lab \"" + lab_ + "\": removed 1 interface"), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("host h1: lab \"" + lab_ + "\": removed 1 interface"), std::string::npos) << down.out;
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(has_tunnel(i)) << i;
    EXPECT_FALSE(fs::exists(host_run(i) + "/latlab/" + lab_)) << i;
  }
  EXPECT_FALSE(fs::exists("/run/latlab/" + lab_));
  // Up again: the binaries are current, so none is copied.
  auto up2 = run_command({latlab_bin(), "up", "--json", file});
  ASSERT_EQ(up2.exit_code, 0) << up2.err;
  EXPECT_FALSE(json::parse(up2.out)["hosts"][0]["binaries_copied"].get<bool>());
  auto cl = run_command({latlab_bin(), "cleanup", lab_});
  ASSERT_EQ(cl.exit_code, 0) << cl.err << cl.out;
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(has_tunnel(i)) << i;
}

TEST_F(MultiHostE2E, RunStoresSamplesFromBothHostsInOneStore) {
  const std::string file = scenario(kPair);
  auto r = run_command({latlab_bin(), "run", "--json", "--db", db_, file});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["status"], "complete");
  ASSERT_EQ(j["experiments"].size(), 2u);
  for (const auto& e : j["experiments"]) {
    EXPECT_EQ(e["errors"].size(), 0u) << e.dump();
    EXPECT_GE(e["received"].get<int>(), 95) << e.dump();
  }
  for (const char* name : {"icmp", "udp"}) {
    const int64_t stored = query_int(
        db_, std::string("SELECT count(*) FROM samples s JOIN experiments e ON e.id = s.experiment_id WHERE e.name = '") +
                 name + "' AND s.warmup = 0 AND s.rtt_user IS NOT NULL");
    EXPECT_GE(stored, 95) << name;
  }
  // The run records both hosts as they described themselves.
  auto host = json::parse(query_text(db_, "SELECT host_json FROM runs"));
  ASSERT_TRUE(host.contains("hosts")) << host.dump();
  EXPECT_TRUE(host["hosts"]["h1"]["machine"].contains("kernel")) << host["hosts"].dump();
  EXPECT_TRUE(host["lab"].contains("hb")) << host["lab"].dump();
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(has_tunnel(i)) << "torn down on h" << i;
  // No agent or wrapper is left on either host.
  for (int i = 0; i < 2; ++i) {
    auto ps = run_command({"ip", "netns", "pids", hosts_->netns(i)});
    std::istringstream in(ps.out);
    for (std::string pid; in >> pid;) {
      const std::string cmd = read_text("/proc/" + pid + "/cmdline");
      EXPECT_EQ(cmd.find("latlab"), std::string::npos) << "h" << i << ": " << cmd;
    }
  }
}

TEST_F(MultiHostE2E, AHostLostMidRunFailsItsExperimentsAndCleanupReachesItLater) {
  // udp runs first (sequential) for about 8 s; h1's sshd dies 3 s in, with
  // its responder. The experiment on h0 alone goes on, and so does icmp to
  // h1 (h1's kernel still answers: only its sshd died); udp2 cannot start
  // its responder on h1.
  const std::string file = scenario(R"([
    {"name": "udp", "probe": "udp", "from": "ha", "to": "hb:lvx0", "count": 4000, "interval": "2ms"},
    {"name": "alone", "probe": "icmp", "from": "ha", "to": "localhost", "count": 50, "interval": "2ms"},
    {"name": "icmp", "probe": "icmp", "from": "ha", "to": "hb:lvx0", "count": 50, "interval": "2ms"},
    {"name": "udp2", "probe": "udp", "from": "ha", "to": "hb:lvx0", "count": 50, "interval": "2ms"}])");
  auto run = std::async(std::launch::async, [&] { return run_command({latlab_bin(), "run", "--json", "--db", db_, file}); });
  std::this_thread::sleep_for(3500ms);
  hosts_->kill_sshd(1);
  killed_ = 1;
  auto r = run.get();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["status"], "incomplete") << r.out;
  std::map<std::string, json> by_name;
  for (const auto& e : j["experiments"]) by_name[e["name"]] = e;
  ASSERT_EQ(by_name["udp"]["errors"].size(), 1u) << r.out;
  EXPECT_NE(by_name["udp"]["errors"][0].get<std::string>().find("host \"h1\""), std::string::npos) << r.out;
  EXPECT_EQ(by_name["alone"]["errors"].size(), 0u) << r.out;
  EXPECT_EQ(by_name["alone"]["received"], 55) << r.out;  // 5 warm-up and 50
  EXPECT_EQ(by_name["icmp"]["errors"].size(), 0u) << r.out;
  EXPECT_EQ(by_name["icmp"]["received"], 55) << r.out;
  ASSERT_EQ(by_name["udp2"]["errors"].size(), 1u) << r.out;
  EXPECT_NE(by_name["udp2"]["errors"][0].get<std::string>().find(
                "host \"h1\" (root@" + hosts_->address(1) + ":22): responder udp-reflector did not start: ssh failed"),
            std::string::npos)
      << r.out;
  // Teardown reached h0; h1 is named with what is left there.
  EXPECT_FALSE(has_tunnel(0));
  EXPECT_TRUE(has_tunnel(1));
  EXPECT_NE(j["error"].get<std::string>().find("host \"h1\": left there: nodes hb"), std::string::npos) << r.out;
  auto ls = run_command({latlab_bin(), "ls", "--json"});
  EXPECT_NE(ls.out.find("hosts-left"), std::string::npos) << ls.out;
  // Once h1 answers again, cleanup removes its part; nothing of latlab runs there.
  ASSERT_TRUE(hosts_->restart_sshd(1)) << hosts_->error();
  auto cl = run_command({latlab_bin(), "cleanup", lab_});
  EXPECT_EQ(cl.exit_code, 0) << cl.err << cl.out;
  EXPECT_FALSE(has_tunnel(1));
  EXPECT_FALSE(fs::exists("/run/latlab/" + lab_));
  auto ps = run_command({"ip", "netns", "pids", hosts_->netns(1)});
  std::istringstream in(ps.out);
  for (std::string pid; in >> pid;)
    EXPECT_EQ(read_text("/proc/" + pid + "/cmdline").find("latlab"), std::string::npos) << pid;
}

// Seed 000's shape: a real cable between two machines, each end moved into
// a namespace node of its host (`phys`), ICMP and UDP across it, run from
// this machine; the devices go back to their hosts, addresses and all.
TEST_F(MultiHostE2E, APhysCableBetweenHostsIsMeasuredAndGivenBack) {
  json s = {{"latlab", 1},
            {"name", lab_},
            {"hosts", hosts_json()},
            {"nodes", {{"a", {{"kind", "netns"}, {"host", "h0"}}}, {"b", {{"kind", "netns"}, {"host", "h1"}}}}},
            {"links", json::array({{{"kind", "phys"}, {"device", "cab1"}, {"node", "a"}, {"addresses", {"198.18.202.1/30"}}},
                                   {{"kind", "phys"}, {"device", "cab0"}, {"node", "b"}, {"addresses", {"198.18.202.2/30"}}}})},
            {"experiments", json::parse(R"([
              {"name": "cable-icmp", "probe": "icmp", "from": "a", "to": "198.18.202.2", "count": 100, "interval": "2ms"},
              {"name": "cable-udp", "probe": "udp", "from": "a", "to": "b:cab0", "count": 100, "interval": "2ms"}])")},
            {"repeat", 2}};
  const std::string file = hosts_->dir() + "/cable.json";
  std::ofstream(file) << s.dump(2);
  auto r = run_command({latlab_bin(), "run", "--json", "--db", db_, file});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto j = json::parse(r.out);
  for (const auto& e : j["experiments"]) {
    EXPECT_EQ(e["errors"].size(), 0u) << e.dump();
    EXPECT_GE(e["received"].get<int>(), 2 * 100) << e.dump();
  }
  EXPECT_GE(query_int(db_, "SELECT count(*) FROM samples WHERE rtt_user IS NOT NULL"), 400);
  // Given back: in each host's root namespace again, with its own address.
  EXPECT_NE(in_host(0, {"ip", "-o", "addr", "show", "cab1"}).find("198.18.201.1/30"), std::string::npos)
      << in_host(0, {"ip", "-o", "addr", "show", "cab1"});
  EXPECT_NE(in_host(1, {"ip", "-o", "addr", "show", "cab0"}).find("198.18.201.2/30"), std::string::npos)
      << in_host(1, {"ip", "-o", "addr", "show", "cab0"});
}

// Chaos across hosts (bench/chaos runs more): `latlab up` and `latlab run`
// of the two-host lab SIGKILLed at a random moment within the time their
// unkilled twins take, then `latlab cleanup LAB`. Each time, both hosts and
// this machine must be as before (interfaces, addresses, routes, namespaces,
// lab journals, latlab processes), a run's store must pass integrity_check,
// and every experiment it records complete must hold all its samples.
// $LATLAB_CHAOS_TRIALS trials (default 4), seeded by $LATLAB_CHAOS_SEED.
TEST_F(MultiHostE2E, SigkillOfUpOrRunAtRandomMomentsThenCleanupLeavesBothHostsAsBefore) {
  const char* n_env = std::getenv("LATLAB_CHAOS_TRIALS");
  const int trials = n_env && *n_env ? std::atoi(n_env) : 4;
  const char* seed_env = std::getenv("LATLAB_CHAOS_SEED");
  const unsigned seed = seed_env && *seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : std::random_device{}();
  std::mt19937 rng(seed);
  const std::string file = scenario(kPair);
  auto snapshot = [&] {
    std::string s;
    for (const char* cmd : {"ip -o link show | cut -d: -f2", "ip -o addr show | awk '{print $2, $4}'",
                            "ip route show table all | grep -v '^local\\|^broadcast' || true",
                            "ip -6 route show table all | grep -v '^local\\|^multicast' || true"}) {
      s += run_command({"sh", "-c", cmd}).out;
      for (int i = 0; i < 2; ++i) s += "h" + std::to_string(i) + ": " + in_host(i, {"sh", "-c", cmd});
    }
    s += run_command({"ip", "netns", "list"}).out;
    auto list = [&](const std::string& dir) {
      std::vector<std::string> names;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
      std::sort(names.begin(), names.end());
      std::string out = dir + ":";
      for (const auto& n : names) out += " " + n;
      return out + "\n";
    };
    s += list("/run/latlab");
    for (int i = 0; i < 2; ++i) s += list(host_run(i) + "/latlab") + list(host_run(i) + "/netns");
    // latlab's processes here and on the hosts (running ones: a zombie waits for its reaper).
    s += run_command({"pgrep", "-r", "RSDT", "-a", "-f", "^[^ ]*/latlab(-agent)? "}).out;
    for (int i = 0; i < 2; ++i) {
      std::istringstream in(run_command({"ip", "netns", "pids", hosts_->netns(i)}).out);
      for (std::string pid; in >> pid;) {
        const std::string cmd = read_text("/proc/" + pid + "/cmdline");
        const std::string stat = read_text("/proc/" + pid + "/stat");
        const auto rp = stat.rfind(')');
        const bool zombie = rp != std::string::npos && stat.size() > rp + 2 && stat[rp + 2] == 'Z';
        if (!zombie && cmd.find("latlab") != std::string::npos) s += "h" + std::to_string(i) + " process: " + cmd + "\n";
      }
    }
    return s;
  };
  // SIGKILLs `latlab ARGS` after delay; true when it was still running.
  auto kill_after = [&](std::vector<std::string> args, std::chrono::milliseconds delay) {
    args.insert(args.begin(), latlab_bin());
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    std::this_thread::sleep_for(delay);
    const bool running = ::kill(pid, SIGKILL) == 0;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return running && WIFSIGNALED(status);
  };
  auto span_of = [&](const std::vector<std::string>& args) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_command([&] {
      std::vector<std::string> a = {latlab_bin()};
      a.insert(a.end(), args.begin(), args.end());
      return a;
    }());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  };
  // The first up copies the binaries to the hosts; the spans are of the
  // ones after, as a user gets them.
  ASSERT_EQ(run_command({latlab_bin(), "up", file}).exit_code, 0);
  ASSERT_EQ(run_command({latlab_bin(), "down", lab_}).exit_code, 0);
  const auto span_up = span_of({"up", file});
  ASSERT_EQ(run_command({latlab_bin(), "down", lab_}).exit_code, 0);
  const std::string ref_db = hosts_->dir() + "/ref.db";
  const auto span_run = span_of({"run", "--db", ref_db, file});
  const std::string before = snapshot();
  int killed = 0, clean = 0, same = 0, runs = 0, whole = 0;
  int64_t complete = 0, intact = 0;
  for (int t = 0; t < trials; ++t) {
    const bool is_run = t % 2 == 1;
    const auto span = is_run ? span_run : span_up;
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, span.count())(rng));
    const std::string db = hosts_->dir() + "/chaos-" + std::to_string(t) + ".db";
    const std::string what = std::string(is_run ? "run" : "up") + " killed at " + std::to_string(delay.count()) +
                             " ms (seed " + std::to_string(seed) + ", trial " + std::to_string(t) + ")";
    killed += kill_after(is_run ? std::vector<std::string>{"run", "--db", db, file} : std::vector<std::string>{"up", file},
                         delay);
    auto cl = run_command({latlab_bin(), "cleanup", lab_});
    clean += cl.exit_code == 0;
    EXPECT_EQ(cl.exit_code, 0) << what << ": " << cl.err << cl.out;
    // A host's part that the killed latlab never took is removed by the host
    // within its commit wait (10 s; cli/hosts_commands.cpp).
    std::string now;
    for (int i = 0; i < 150; ++i) {
      now = snapshot();
      if (now == before) break;
      std::this_thread::sleep_for(100ms);
    }
    same += now == before;
    EXPECT_EQ(now, before) << what << "; cleanup said: " << cl.out << cl.err;
    if (is_run && fs::exists(db)) {
      ++runs;
      whole += query_text(db, "PRAGMA integrity_check") == "ok";
      complete += query_int(db, "SELECT count(*) FROM experiments WHERE status = 'complete'");
      intact += query_int(db,
                          "SELECT count(*) FROM experiments e WHERE status = 'complete' AND (SELECT count(*) FROM "
                          "samples s WHERE s.experiment_id = e.id AND s.warmup = 0) = 100");
    }
  }
  EXPECT_EQ(whole, runs);
  EXPECT_EQ(intact, complete);
  std::printf("chaos two-host: %d trials (%d killed mid-way), cleanup ok %d/%d, hosts as before %d/%d, stores whole "
              "%d/%d, complete experiments intact %lld/%lld (seed %u; unkilled: up %lld ms, run %lld ms)\n",
              trials, killed, clean, trials, same, trials, whole, runs, static_cast<long long>(intact),
              static_cast<long long>(complete), seed, static_cast<long long>(span_up.count()),
              static_cast<long long>(span_run.count()));
}

}  // namespace
}  // namespace latlab::test
