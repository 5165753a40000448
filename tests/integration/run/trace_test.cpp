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
#include "run/trace_instance.h"
#include "run_test_lab.h"
#include "store/store.h"
#include "support/privileged.h"

namespace fs = std::filesystem;
using namespace latlab;
using namespace std::chrono_literals;

using namespace latlab::test;

TEST(TraceCapture, PingOverVethIsSeenHopByHopAndJoinedOnSkbaddr) {
  LATLAB_REQUIRE_ROOT();
  std::string tag = random_tag();
  VethPair v(tag, "lt" + tag + "a", "lt" + tag + "b");
  ASSERT_TRUE(v.ok());
  TempStore ts("trace", "peer");
  ASSERT_TRUE(ts.db);
  const fs::path& dir = ts.dir;

  scenario::Lab lab;
  lab.name = "t" + tag;
  lab.nodes.push_back(make_node("a", "netns", v.a()));
  lab.nodes.push_back(make_node("b", "netns", v.b()));
  scenario::Interface ia, ib;
  ia.node = "a";
  ia.name = v.if_a();
  ib.node = "b";
  ib.name = v.if_b();
  lab.interfaces = {ia, ib};
  scenario::Experiment exp;
  exp.name = "peer";
  exp.path_kind = scenario::PathKind::peer;
  exp.egress = "a:" + v.if_a();
  scenario::CaptureSpec spec;
  spec.kind = "trace";
  spec.ftrace_function = true;  // reported as unavailable where the kernel refuses it
  process::RealLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = ts.experiment_id;
  ctx.dir = dir.string();
  ctx.store = ts.db.get();
  ctx.launcher = &launcher;

  auto cap = run::find_capture_kind("trace")->make(spec);
  int64_t t0 = run::monotonic_ns();
  auto st = cap->start(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  std::string instance = "latlab-" + std::to_string(getpid()) + "-" + std::to_string(ts.experiment_id);
  bool instance_seen = fs::exists("/sys/kernel/tracing/instances/" + instance) ||
                       fs::exists("/sys/kernel/debug/tracing/instances/" + instance);
  EXPECT_TRUE(instance_seen);
  ASSERT_TRUE(run_ok({"ping", "-q", "-c", "5", "-i", "0.01", "198.18.0.2"}, "/run/netns/" + v.a()));
  int64_t t1 = run::monotonic_ns();
  st = cap->stop(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_FALSE(fs::exists("/sys/kernel/tracing/instances/" + instance));
  EXPECT_FALSE(fs::exists("/sys/kernel/debug/tracing/instances/" + instance));
  st = cap->ingest(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();

  auto events = ts.db->trace_events(ts.experiment_id);
  ASSERT_TRUE(events.ok());
  int xmit_a = 0, recv_b = 0, recv_a = 0;
  std::set<std::string> devs;
  for (const auto& e : *events) {
    EXPECT_GE(e.t_ns, t0);
    EXPECT_LE(e.t_ns, t1);
    if (!e.dev.empty()) devs.insert(e.dev);
    if (e.event == "net_dev_xmit" && e.dev == v.if_a()) ++xmit_a;
    if (e.event == "netif_receive_skb" && e.dev == v.if_b()) ++recv_b;
    if (e.event == "netif_receive_skb" && e.dev == v.if_a()) ++recv_a;
  }
  EXPECT_GE(xmit_a, 5);  // 5 echo requests (plus ARP)
  EXPECT_GE(recv_b, 5);
  EXPECT_GE(recv_a, 5);  // the replies
  EXPECT_EQ(devs, (std::set<std::string>{v.if_a(), v.if_b()}));

  auto caps = ts.db->captures(ts.experiment_id);
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
}

TEST(TraceCapture, StaleInstancesOfDeadProcessesAreRemovedAtStart) {
  LATLAB_REQUIRE_ROOT();
  auto tracefs = run::find_tracefs(nullptr);  // mounts it when none is, as the capture does
  LATLAB_REQUIRE_HOST(tracefs.ok(), "no tracefs: " << tracefs.error().message());
  const std::string root = *tracefs;
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
  process::RealLauncher launcher;
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
