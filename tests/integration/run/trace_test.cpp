// Capture "trace" on a veth pair between two namespaces: a ping's packets are
// seen at net_dev_xmit and netif_receive_skb on the lab's devices, with
// CLOCK_MONOTONIC stamps, joined on skbaddr; the tracefs instance is gone
// afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "run/capture.h"
#include "store/store.h"
#include "support/privileged.h"

namespace fs = std::filesystem;
using namespace latlab;
using namespace std::chrono_literals;

namespace {

scenario::Node make_node(const std::string& name, const std::string& kind, const std::string& netns = "") {
  scenario::Node n;
  n.name = name;
  n.kind = kind;
  n.netns_name = netns;
  return n;
}

std::string random_tag() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", rd() & 0xffffff);
  return buf;
}

bool run_cmd(const std::vector<std::string>& argv, const std::string& netns = "") {
  run::PosixLauncher l;
  run::SpawnSpec s;
  s.argv = argv;
  s.netns_path = netns;
  auto c = l.spawn(s);
  if (!c.ok()) return false;
  auto rc = (*c)->wait(20s);
  return rc.ok() && *rc == 0;
}

// Two namespaces joined by a veth pair, 198.18.0.1/24 <-> 198.18.0.2/24;
// everything deleted at scope exit.
class VethPair {
 public:
  explicit VethPair(const std::string& tag)
      : ns_a_("latlabt-" + tag + "-a"), ns_b_("latlabt-" + tag + "-b"), if_a_("lt" + tag + "a"), if_b_("lt" + tag + "b") {
    ok_ = run_cmd({"ip", "netns", "add", ns_a_}) && run_cmd({"ip", "netns", "add", ns_b_}) &&
          run_cmd({"ip", "link", "add", if_a_, "netns", ns_a_, "type", "veth", "peer", "name", if_b_, "netns", ns_b_}) &&
          run_cmd({"ip", "-n", ns_a_, "addr", "add", "198.18.0.1/24", "dev", if_a_}) &&
          run_cmd({"ip", "-n", ns_b_, "addr", "add", "198.18.0.2/24", "dev", if_b_}) &&
          run_cmd({"ip", "-n", ns_a_, "link", "set", if_a_, "up"}) &&
          run_cmd({"ip", "-n", ns_b_, "link", "set", if_b_, "up"});
  }
  ~VethPair() {
    run_cmd({"ip", "netns", "delete", ns_a_});  // takes the veth pair with it
    run_cmd({"ip", "netns", "delete", ns_b_});
  }
  bool ok() const { return ok_; }
  std::string ns_a_, ns_b_, if_a_, if_b_;

 private:
  bool ok_ = false;
};

}  // namespace

TEST(TraceCapture, PingOverVethIsSeenHopByHopAndJoinedOnSkbaddr) {
  LATLAB_REQUIRE_ROOT();
  std::string tag = random_tag();
  VethPair v(tag);
  ASSERT_TRUE(v.ok());
  fs::path dir = fs::temp_directory_path() / ("latlab-run-int-trace-" + tag);
  fs::create_directories(dir);
  auto db = store::SqliteStore::open((dir / "t.db").string());
  ASSERT_TRUE(db.ok()) << db.error().message();
  store::RunRecord rr;
  rr.scenario_name = "trace-test";
  rr.scenario_text = "{}";
  rr.pid = getpid();
  rr.boot_id = store::current_boot_id();
  auto run_id = (*db)->begin_run(rr);
  ASSERT_TRUE(run_id.ok());
  store::ExperimentRecord er;
  er.run_id = *run_id;
  er.name = "peer";
  er.probe = "icmp";
  auto exp_id = (*db)->begin_experiment(er);
  ASSERT_TRUE(exp_id.ok());

  scenario::Lab lab;
  lab.name = "t" + tag;
  lab.nodes.push_back(make_node("a", "netns", v.ns_a_));
  lab.nodes.push_back(make_node("b", "netns", v.ns_b_));
  scenario::Interface ia, ib;
  ia.node = "a";
  ia.name = v.if_a_;
  ib.node = "b";
  ib.name = v.if_b_;
  lab.interfaces = {ia, ib};
  scenario::Experiment exp;
  exp.name = "peer";
  exp.path_kind = "peer";
  exp.egress = "a:" + v.if_a_;
  scenario::CaptureSpec spec;
  spec.kind = "trace";
  spec.ftrace_function = true;  // reported as unavailable where the kernel refuses it
  run::PosixLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = *exp_id;
  ctx.dir = dir.string();
  ctx.store = db->get();
  ctx.launcher = &launcher;

  auto cap = run::find_capture_kind("trace")->make(spec);
  int64_t t0 = run::monotonic_ns();
  auto st = cap->start(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  std::string instance = "latlab-" + std::to_string(getpid()) + "-" + std::to_string(*exp_id);
  bool instance_seen = fs::exists("/sys/kernel/tracing/instances/" + instance) ||
                       fs::exists("/sys/kernel/debug/tracing/instances/" + instance);
  EXPECT_TRUE(instance_seen);
  ASSERT_TRUE(run_cmd({"ping", "-q", "-c", "5", "-i", "0.01", "198.18.0.2"}, "/run/netns/" + v.ns_a_));
  int64_t t1 = run::monotonic_ns();
  st = cap->stop(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_FALSE(fs::exists("/sys/kernel/tracing/instances/" + instance));
  EXPECT_FALSE(fs::exists("/sys/kernel/debug/tracing/instances/" + instance));
  st = cap->ingest(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();

  auto events = (*db)->trace_events(*exp_id);
  ASSERT_TRUE(events.ok());
  int xmit_a = 0, recv_b = 0, recv_a = 0;
  std::set<std::string> devs;
  for (const auto& e : *events) {
    EXPECT_GE(e.t_ns, t0);
    EXPECT_LE(e.t_ns, t1);
    if (!e.dev.empty()) devs.insert(e.dev);
    if (e.event == "net_dev_xmit" && e.dev == v.if_a_) ++xmit_a;
    if (e.event == "netif_receive_skb" && e.dev == v.if_b_) ++recv_b;
    if (e.event == "netif_receive_skb" && e.dev == v.if_a_) ++recv_a;
  }
  EXPECT_GE(xmit_a, 5);  // 5 echo requests (plus ARP)
  EXPECT_GE(recv_b, 5);
  EXPECT_GE(recv_a, 5);  // the replies
  EXPECT_EQ(devs, (std::set<std::string>{v.if_a_, v.if_b_}));

  auto caps = (*db)->captures(*exp_id);
  ASSERT_TRUE(caps.ok());
  ASSERT_EQ(caps->size(), 1u);
  EXPECT_EQ((*caps)[0].status, "ok");
  auto j = nlohmann::json::parse((*caps)[0].summary_json);
  RecordProperty("summary", j.dump());
  EXPECT_GE(j["packets_joined"].get<int>(), 10) << j.dump();
  EXPECT_EQ(j["clock"], "mono");
  EXPECT_EQ(j["timestamp_precision"], "ns");
  EXPECT_EQ(j["missing_events"].size(), 0u);
  EXPECT_GE(j["hops"]["net_dev_xmit"].get<int>(), 10);
  EXPECT_TRUE(j["hop_median_ns"].contains("net_dev_xmit>netif_receive_skb")) << j.dump();
  EXPECT_TRUE(j.contains("function_tracer"));
  EXPECT_TRUE(fs::exists((*caps)[0].file));
  db->reset();
  fs::remove_all(dir);
}

TEST(TraceCapture, StaleInstancesOfDeadProcessesAreRemovedAtStart) {
  LATLAB_REQUIRE_ROOT();
  std::string root = fs::exists("/sys/kernel/tracing/instances") ? "/sys/kernel/tracing" : "/sys/kernel/debug/tracing";
  if (!fs::exists(root + "/instances")) GTEST_SKIP() << "tracefs not mounted yet";
  // A pid that cannot be alive: beyond pid_max's hard limit.
  std::string stale = root + "/instances/latlab-4194305-1";
  ASSERT_TRUE(fs::create_directory(stale));
  fs::path dir = fs::temp_directory_path() / ("latlab-run-int-trace-stale-" + random_tag());
  fs::create_directories(dir);
  auto db = store::SqliteStore::open((dir / "t.db").string());
  ASSERT_TRUE(db.ok());
  scenario::Lab lab;
  scenario::Experiment exp;
  scenario::CaptureSpec spec;
  spec.kind = "trace";
  run::PosixLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = 999999;
  ctx.dir = dir.string();
  ctx.store = db->get();
  ctx.launcher = &launcher;
  {
    auto cap = run::find_capture_kind("trace")->make(spec);
    auto st = cap->start(ctx);
    ASSERT_TRUE(st.ok()) << st.error().message();
    EXPECT_FALSE(fs::exists(stale));
  }  // destroyed without stop(): the instance goes with it
  EXPECT_FALSE(fs::exists(root + "/instances/latlab-" + std::to_string(getpid()) + "-999999"));
  if (fs::exists(stale)) fs::remove(stale);
  db->reset();
  fs::remove_all(dir);
}
