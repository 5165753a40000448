// The run pipeline's own parts: agent line parsing, order, histogram, argv
// building. (The process launcher's tests start real children:
// tests/integration/process.)
#include <gtest/gtest.h>

#include <set>

#include "run/agent_stream.h"
#include "run/latency_histogram.h"
#include "run/order.h"
#include "run/runner.h"
#include "scenario/load.h"

using namespace latlab;

TEST(AgentStream, ParsesSampleLinesWithNullStamps) {
  auto line = run::parse_agent_line(
      R"({"type":"sample","seq":7,"warmup":false,"status":"ok","t_send_user_ns":100,"t_send_kernel_ns":null,)"
      R"("t_recv_kernel_ns":150,"t_recv_user_ns":160,"rtt_user_ns":60,"rtt_kernel_ns":null,"peer_proc_ns":null,"bytes":64,"ttl":64})");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->type, run::AgentLine::Type::sample);
  auto s = run::sample_from_json(line->json);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->seq, 7);
  EXPECT_EQ(s->status, store::SampleStatus::ok);
  EXPECT_FALSE(s->t_send_kernel.has_value());
  EXPECT_EQ(*s->t_recv_kernel, 150);
  EXPECT_EQ(*s->rtt_user, 60);
  EXPECT_FALSE(s->rtt_kernel.has_value());
}

TEST(AgentStream, RejectsGarbageAndUnknownStatus) {
  EXPECT_FALSE(run::parse_agent_line("not json").ok());
  EXPECT_FALSE(run::parse_agent_line("[1,2]").ok());
  EXPECT_FALSE(run::parse_agent_line(R"({"seq":1})").ok());
  auto line = run::parse_agent_line(R"({"type":"sample","seq":1,"status":"weird"})");
  ASSERT_TRUE(line.ok());
  auto s = run::sample_from_json(line->json);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "agent sample 1 has unknown status \"weird\"");
  EXPECT_EQ(run::parse_agent_line(R"({"type":"summary","sent":3})")->type, run::AgentLine::Type::summary);
}

TEST(Order, ShuffledRunsEveryExperimentOncePerRoundAndIsSeeded) {
  auto a = run::make_order(4, 3, "shuffled", 42);
  auto b = run::make_order(4, 3, "shuffled", 42);
  auto c = run::make_order(4, 3, "shuffled", 43);
  ASSERT_EQ(a.size(), 12u);
  for (uint32_t round = 0; round < 3; ++round) {
    std::set<size_t> seen;
    for (size_t i = round * 4; i < round * 4 + 4; ++i) {
      EXPECT_EQ(a[i].repetition, round);
      seen.insert(a[i].experiment);
    }
    EXPECT_EQ(seen.size(), 4u);
  }
  bool same_b = true, same_c = true;
  for (size_t i = 0; i < a.size(); ++i) {
    same_b = same_b && a[i].experiment == b[i].experiment;
    same_c = same_c && a[i].experiment == c[i].experiment;
  }
  EXPECT_TRUE(same_b);
  EXPECT_FALSE(same_c);
}

TEST(Order, InterleavedAndSequential) {
  auto i = run::make_order(2, 2, "interleaved", 1);
  ASSERT_EQ(i.size(), 4u);
  EXPECT_EQ(i[0].experiment, 0u);
  EXPECT_EQ(i[1].experiment, 1u);
  EXPECT_EQ(i[2].experiment, 0u);
  EXPECT_EQ(i[2].repetition, 1u);
  auto s = run::make_order(2, 2, "sequential", 1);
  EXPECT_EQ(s[0].experiment, 0u);
  EXPECT_EQ(s[1].experiment, 0u);
  EXPECT_EQ(s[1].repetition, 1u);
  EXPECT_EQ(s[2].experiment, 1u);
}

TEST(LatencyHistogram, QuantilesWithinOnePercent) {
  run::LatencyHistogram h;
  EXPECT_FALSE(h.quantile(0.5).has_value());
  for (int i = 1; i <= 1000; ++i) h.add(i * 1000);  // 1 us .. 1 ms
  auto p50 = *h.quantile(0.5);
  auto p99 = *h.quantile(0.99);
  EXPECT_NEAR(p50, 500'000, 500'000 * 0.012);
  EXPECT_NEAR(p99, 990'000, 990'000 * 0.012);
  EXPECT_EQ(h.count(), 1000u);
}

TEST(ProbeArgv, BuildsTheAgentCommandForEachProbe) {
  auto r = scenario::load_scenario_file(std::string(LATLAB_SOURCE_DIR) +
                                        "/scenarios/af-packet-host-interface.json");
  ASSERT_TRUE(r.ok());
  const auto& lab = *r.lab;
  const scenario::Experiment* raw = nullptr;
  for (const auto& e : lab.experiments)
    if (e.name == "raw-bypass") raw = &e;
  ASSERT_NE(raw, nullptr);
  auto argv = run::probe_argv(lab, *raw, "/bin/agent", 4242);
  std::vector<std::string> want = {"/bin/agent",     "raw",
                                   "--netns",        "/run/netns/latlab-afpacket-c1",
                                   "--target",       "198.18.10.20",
                                   "--count",        "200",
                                   "--interval",     "1ms",
                                   "--payload",      "56",
                                   "--warmup",       "10",
                                   "--timeout",      "1s",
                                   "--ident",        "4242",
                                   "--ifname",       "eth0",
                                   "--qdisc-bypass", "on"};
  EXPECT_EQ(argv, want);
  auto resp = run::responder_argv(lab, *raw, "/bin/agent");
  std::vector<std::string> rwant = {"/bin/agent",     "raw-responder",
                                    "--netns",        "/run/netns/latlab-afpacket-c2",
                                    "--ifname",       "eth0",
                                    "--address",      "198.18.10.20",
                                    "--qdisc-bypass", "on"};
  EXPECT_EQ(resp, rwant);
}

TEST(ScenarioHash, StableAndDistinct) {
  EXPECT_EQ(run::scenario_hash(""), "fnv1a64:cbf29ce484222325");
  EXPECT_NE(run::scenario_hash("a"), run::scenario_hash("b"));
}
