// Capture "counters" on real namespaces: a ping inside one namespace shows in
// that namespace's counters only (they are read from a thread that entered
// it, via /proc/thread-self/net), deltas are after - before.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "run/capture.h"
#include "run_test_lab.h"
#include "store/store.h"
#include "support/privileged.h"

namespace fs = std::filesystem;
using namespace latlab;
using namespace std::chrono_literals;

using namespace latlab::test;

TEST(CountersCapture, PingInsideOneNamespaceChangesOnlyItsCounters) {
  LATLAB_REQUIRE_ROOT();
  std::string tag = random_tag();
  NetnsGuard busy("latlabt-" + tag + "-c");
  NetnsGuard idle("latlabt-" + tag + "-d");
  ASSERT_TRUE(busy.ok() && idle.ok());
  TempStore sf("counters", "ping");

  scenario::Lab lab;
  lab.name = "t" + tag;
  lab.nodes.push_back(make_node("a", "netns", busy.name()));
  lab.nodes.push_back(make_node("b", "netns", idle.name()));
  lab.nodes.push_back(make_node("h", "host"));
  scenario::Experiment exp;
  exp.name = "ping";
  exp.path_kind = scenario::PathKind::localhost;
  scenario::CaptureSpec spec;
  spec.kind = "counters";
  process::RealLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = sf.experiment_id;
  ctx.dir = sf.dir.string();
  ctx.store = sf.db.get();
  ctx.launcher = &launcher;

  auto cap = run::find_capture_kind("counters")->make(spec);
  auto st = cap->start(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  ASSERT_TRUE(run_ok({"ping", "-q", "-c", "13", "-i", "0.01", "127.0.0.1"}, "/run/netns/" + busy.name()));
  st = cap->stop(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();
  st = cap->ingest(ctx);
  ASSERT_TRUE(st.ok()) << st.error().message();

  auto rows = sf.db->counters(sf.experiment_id);
  ASSERT_TRUE(rows.ok());
  std::map<std::string, int64_t> v;  // phase/node/source/name
  for (const auto& r : *rows) v[r.phase + "/" + r.node + "/" + r.source + "/" + r.name] = r.value;
  auto get = [&](const std::string& k) {
    auto it = v.find(k);
    EXPECT_NE(it, v.end()) << k;
    return it == v.end() ? -1 : it->second;
  };
  EXPECT_EQ(get("delta/a/snmp/Icmp.InEchos"), 13);
  EXPECT_EQ(get("delta/a/snmp/Icmp.OutEchoReps"), 13);
  EXPECT_EQ(get("delta/a/snmp/Icmp.InEchoReps"), 13);
  EXPECT_EQ(get("delta/a/link/lo.rx_packets"), 26);
  EXPECT_EQ(get("delta/a/link/lo.tx_packets"), 26);
  EXPECT_EQ(get("delta/b/snmp/Icmp.InEchos"), 0);
  EXPECT_EQ(get("delta/b/link/lo.rx_packets"), 0);
  // A fresh namespace starts from zero; the root one has seen traffic.
  EXPECT_EQ(get("before/a/snmp/Ip.InReceives"), 0);
  EXPECT_GT(get("before/h/snmp/Ip.InReceives"), 0);
  // Global sources, gauges without deltas, the qdisc of lo (noqueue).
  EXPECT_GE(get("after/host/softnet/cpu0.processed"), get("before/host/softnet/cpu0.processed"));
  EXPECT_EQ(v.count("before/host/softirqs/NET_RX.cpu0"), 1u);
  EXPECT_EQ(v.count("before/a/qdisc/lo.backlog"), 1u);
  EXPECT_EQ(v.count("delta/a/qdisc/lo.backlog"), 0u);
  EXPECT_EQ(v.count("delta/a/qdisc/lo.sent_packets"), 1u);

  auto caps = sf.db->captures(sf.experiment_id);
  ASSERT_TRUE(caps.ok());
  ASSERT_EQ(caps->size(), 1u);
  EXPECT_EQ((*caps)[0].status, "ok");
  auto j = nlohmann::json::parse((*caps)[0].summary_json);
  RecordProperty("summary", j.dump());
  EXPECT_EQ(j["failed"].size(), 0u) << j.dump();
  EXPECT_GE(j["changed"].get<int>(), 5);
  EXPECT_EQ(j["sources"], nlohmann::json({"link", "netstat", "qdisc", "snmp", "softirqs", "softnet"}));
}

TEST(CountersCapture, AMissingInterfaceIsNamedNotFatal) {
  LATLAB_REQUIRE_ROOT();
  std::string tag = random_tag();
  NetnsGuard ns("latlabt-" + tag + "-c");
  ASSERT_TRUE(ns.ok());
  TempStore sf("counters-missing", "ping");
  scenario::Lab lab;
  lab.name = "t" + tag;
  lab.nodes.push_back(make_node("a", "netns", ns.name()));
  scenario::Interface i;
  i.node = "a";
  i.name = "nosuch0";
  lab.interfaces.push_back(i);
  scenario::Experiment exp;
  scenario::CaptureSpec spec;
  spec.kind = "counters";
  process::RealLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &exp;
  ctx.experiment_id = sf.experiment_id;
  ctx.dir = sf.dir.string();
  ctx.store = sf.db.get();
  ctx.launcher = &launcher;
  auto cap = run::find_capture_kind("counters")->make(spec);
  ASSERT_TRUE(cap->start(ctx).ok());
  ASSERT_TRUE(cap->stop(ctx).ok());
  ASSERT_TRUE(cap->ingest(ctx).ok());
  auto caps = sf.db->captures(sf.experiment_id);
  ASSERT_TRUE(caps.ok());
  ASSERT_EQ(caps->size(), 1u);
  auto j = nlohmann::json::parse((*caps)[0].summary_json);
  RecordProperty("summary", j.dump());
  ASSERT_EQ(j["failed"].size(), 2u) << j.dump();
  EXPECT_EQ(j["failed"][0]["node"], "a");
  EXPECT_EQ(j["failed"][0]["source"], "link");
  EXPECT_EQ(j["failed"][0]["error"], "interface \"nosuch0\": not found or without IFLA_STATS64");
  EXPECT_EQ(j["failed"][1]["source"], "qdisc");
}
