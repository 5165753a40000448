// Shared by the run pipeline's integration tests: throwaway namespaces and
// veth pairs (named latlabt-*, always deleted), a store with one experiment
// in a temporary directory, and small helpers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "process/real_launcher.h"
#include "run/capture.h"
#include "store/store.h"

namespace latlab::test {

inline std::string random_tag() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", rd() & 0xffffff);
  return buf;
}

// Runs argv (no shell), optionally inside a namespace path; true on exit 0.
inline bool run_ok(const std::vector<std::string>& argv, const std::string& netns_path = "") {
  process::RealLauncher l;
  process::SpawnSpec s;
  s.argv = argv;
  s.netns_path = netns_path;
  auto c = l.spawn(s);
  if (!c.ok()) return false;
  auto rc = (*c)->wait(std::chrono::seconds(20));
  return rc.ok() && *rc == 0;
}

inline scenario::Node make_node(const std::string& name, const std::string& kind,
                                const std::string& netns = "") {
  scenario::Node n;
  n.name = name;
  n.kind = kind;
  n.netns_name = netns;
  n.root_namespace = netns.empty();
  return n;
}

// `ip netns add NAME` with lo up, deleted again when the guard goes.
class NetnsGuard {
 public:
  explicit NetnsGuard(std::string name) : name_(std::move(name)) {
    ok_ = run_ok({"ip", "netns", "add", name_}) && run_ok({"ip", "-n", name_, "link", "set", "lo", "up"});
  }
  ~NetnsGuard() { run_ok({"ip", "netns", "delete", name_}); }
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool ok_ = false;
};

// Two namespaces latlabt-<tag>-a/-b joined by a veth pair if_a <-> if_b,
// 198.18.0.1/24 <-> 198.18.0.2/24, everything up; deleted at scope exit.
class VethPair {
 public:
  explicit VethPair(const std::string& tag, std::string if_a = "eth0", std::string if_b = "eth0")
      : a_("latlabt-" + tag + "-a"),
        b_("latlabt-" + tag + "-b"),
        if_a_(std::move(if_a)),
        if_b_(std::move(if_b)) {
    ok_ =
        run_ok({"ip", "netns", "add", a_}) && run_ok({"ip", "netns", "add", b_}) &&
        run_ok({"ip", "-n", a_, "link", "add", if_a_, "type", "veth", "peer", "name", if_b_, "netns", b_}) &&
        run_ok({"ip", "-n", a_, "addr", "add", "198.18.0.1/24", "dev", if_a_}) &&
        run_ok({"ip", "-n", b_, "addr", "add", "198.18.0.2/24", "dev", if_b_}) &&
        run_ok({"ip", "-n", a_, "link", "set", "lo", "up"}) &&
        run_ok({"ip", "-n", b_, "link", "set", "lo", "up"}) &&
        run_ok({"ip", "-n", a_, "link", "set", if_a_, "up"}) &&
        run_ok({"ip", "-n", b_, "link", "set", if_b_, "up"});
  }
  ~VethPair() {
    run_ok({"ip", "netns", "delete", a_});  // takes the veth pair with it
    run_ok({"ip", "netns", "delete", b_});
  }
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;
  bool ok() const { return ok_; }
  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }
  const std::string& if_a() const { return if_a_; }
  const std::string& if_b() const { return if_b_; }

 private:
  std::string a_, b_, if_a_, if_b_;
  bool ok_ = false;
};

// A store in a fresh 0700 temporary directory with one run and one
// experiment; the directory is removed at scope exit.
struct TempStore {
  std::filesystem::path dir;
  std::unique_ptr<store::SqliteStore> db;
  int64_t run_id = 0;
  int64_t experiment_id = 0;

  TempStore(const std::string& what, const std::string& experiment, const std::string& probe = "icmp") {
    namespace fs = std::filesystem;
    dir = fs::temp_directory_path() / ("latlab-run-int-" + what + "-" + random_tag());
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all);
    auto s = store::SqliteStore::open((dir / "t.db").string());
    EXPECT_TRUE(s.ok()) << s.error().message();
    if (!s.ok()) return;
    db = std::move(*s);
    store::RunRecord r;
    r.scenario_name = what + "-test";
    r.scenario_text = "{}";
    r.started_ns = run::realtime_ns();
    r.pid = getpid();
    r.boot_id = store::current_boot_id();
    auto rid = db->begin_run(r);
    EXPECT_TRUE(rid.ok());
    run_id = rid.ok() ? *rid : 0;
    store::ExperimentRecord e;
    e.run_id = run_id;
    e.name = experiment;
    e.probe = probe;
    auto id = db->begin_experiment(e);
    EXPECT_TRUE(id.ok());
    experiment_id = id.ok() ? *id : 0;
  }
  ~TempStore() { std::filesystem::remove_all(dir); }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
};

}  // namespace latlab::test
