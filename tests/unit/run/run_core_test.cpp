// The run pipeline's own parts: agent line parsing, order, histogram, argv
// building. (The process launcher's tests start real children:
// tests/integration/process.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "process/process.h"
#include "run/agent_stream.h"
#include "run/latency_histogram.h"
#include "run/order.h"
#include "run/runner.h"
#include "scenario/load.h"
#include "util/owner.h"

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

// An agent's line is untrusted: wrong types are errors or ignored, never a
// thrown exception (fuzz_agent_line found "warmup":"x" ended the run).
TEST(AgentStream, WrongTypesAreErrorsNotExceptions) {
  auto sample = [](const char* text) { return run::sample_from_json(nlohmann::json::parse(text)); };
  auto bad_warmup = sample(R"({"seq":2,"status":"ok","warmup":"x"})");
  ASSERT_FALSE(bad_warmup.ok());
  EXPECT_EQ(bad_warmup.error().message(), "agent sample 2: \"warmup\" is not true or false");
  auto float_time = sample(R"({"seq":3,"status":"ok","rtt_user_ns":1e300})");
  ASSERT_FALSE(float_time.ok());
  EXPECT_EQ(float_time.error().message(), "agent sample 3: \"rtt_user_ns\" is not an integer of ns");
  EXPECT_FALSE(sample(R"({"seq":4,"status":"ok","t_send_user_ns":18446744073709551615})").ok());
  EXPECT_FALSE(sample(R"({"seq":"5","status":"ok"})").ok());
  EXPECT_FALSE(sample(R"({"seq":1.5,"status":"ok"})").ok());
  auto fine = sample(R"({"seq":6,"status":"lost","warmup":true,"rtt_user_ns":-3})");
  ASSERT_TRUE(fine.ok());
  EXPECT_TRUE(fine->warmup);
  EXPECT_EQ(*fine->rtt_user, -3);

  auto h = run::header_from_json(nlohmann::json::parse(R"({"clock":"now","socket":{"identifier":70000000000}})"));
  EXPECT_FALSE(h.clock_offset_ns.has_value());
  EXPECT_FALSE(h.icmp_ident.has_value());
  h = run::header_from_json(nlohmann::json::parse(R"({"clock":{"realtime_minus_monotonic_ns":-5},"socket":{"identifier":77}})"));
  EXPECT_EQ(*h.clock_offset_ns, -5);
  EXPECT_EQ(*h.icmp_ident, 77u);

  auto s = run::summary_from_json(nlohmann::json::parse(R"({"sent":"3","received":-1,"lost":2,"clock_end":[1]})"));
  EXPECT_EQ(s.sent, 0u);
  EXPECT_EQ(s.received, 0u);
  EXPECT_EQ(s.lost, 2u);
  EXPECT_FALSE(s.clock_offset_end_ns.has_value());
  EXPECT_EQ(run::summary_from_json(nlohmann::json(7)).sent, 0u);

  EXPECT_EQ(run::error_message_of(nlohmann::json::parse(R"({"message":["no"]})"), "agent error"), "agent error");
  EXPECT_EQ(run::error_message_of(nlohmann::json::parse(R"({"message":"bind failed"})"), "x"), "bind failed");
}

TEST(ExitText, SaysWhichSignalKilledAChild) {
  EXPECT_EQ(process::exit_text(0), "exited with code 0");
  EXPECT_EQ(process::exit_text(3), "exited with code 3");
  EXPECT_EQ(process::exit_text(128 + 9), "was killed by signal 9 (SIGKILL)");
  EXPECT_EQ(process::exit_text(128 + 15), "was killed by signal 15 (SIGTERM)");
  EXPECT_EQ(process::exit_text(255), "exited with code 255");  // ssh's own failure, not a signal
}

// Under sudo as root, the invoking user from $SUDO_UID/$SUDO_GID; never root
// itself, never from what is not a number.
TEST(InvokingUser, ComesFromSudosVariablesOnlyWhenTheyAreAUsersIds) {
  auto with = [](const char* uid, const char* gid) {
    ::setenv("SUDO_UID", uid, 1);
    ::setenv("SUDO_GID", gid, 1);
    auto o = invoking_user();
    ::unsetenv("SUDO_UID");
    ::unsetenv("SUDO_GID");
    return o;
  };
  EXPECT_FALSE(with("0", "0").has_value());
  EXPECT_FALSE(with("1000x", "1000").has_value());
  EXPECT_FALSE(with("", "1000").has_value());
  EXPECT_FALSE(with("1000", "-1").has_value());
  auto o = with("1000", "1001");
  if (::geteuid() == 0) {
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->uid, 1000u);
    EXPECT_EQ(o->gid, 1001u);
  } else {
    EXPECT_FALSE(o.has_value()) << "only root gives files away";
  }
  EXPECT_FALSE(invoking_user().has_value());
  EXPECT_EQ(hand_over("/nonexistent"), "") << "no invoking user: nothing to do";
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
