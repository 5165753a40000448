// Accounting on real paths: foreign traffic is counted and kept out of the
// results, responder drops give exactly the expected loss, late replies are
// recorded and stay lost.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "agent_lab.h"
#include "agent_process.h"
#include "probe_checks.h"
#include "support/privileged.h"

namespace latlab::test {
namespace {

TEST(AgentAccounting, ForeignPingerOnTheSamePathIsIgnored) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  // iputils ping from the same namespace to the same target, at the same time.
  std::string ping_output;
  int ping_status = -1;
  std::thread ping([&] {
    ping_status = run_command({"ip", "netns", "exec", lab.ns_a(), "ping", "-n", "-q", "-c", "150", "-i", "0.002",
                               "198.18.0.2"},
                              &ping_output);
  });
  // And another latlab-agent (other identifier and cookie).
  AgentProcess other({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--count", "150", "--interval",
                      "2ms", "--samples", "off"});
  auto r = run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--count", "100", "--interval",
                      "2ms"});
  ping.join();
  auto other_result = other.finish(10000);
  ASSERT_EQ(ping_status, 0) << ping_output;
  expect_all_answered(r, 100);
  expect_ordered_timestamps(r, false);
  const auto summary = r.first("summary");
  EXPECT_GT(summary["foreign"].get<int>(), 20) << summary.dump();  // their replies reached our socket...
  EXPECT_EQ(summary["duplicates"], 0);                             // ...and none was taken for ours
  EXPECT_EQ(summary["stale"], 0);
  for (const auto& s : r.all("sample")) EXPECT_EQ(s["status"], "ok");
  EXPECT_EQ(other_result.first("summary")["received"], 150);
}

TEST(AgentAccounting, UdpReflectorDropEveryGivesExactLoss) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9300", "--drop-every", "4"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  auto r = run_agent({"udp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--port", "9300", "--count", "40",
                      "--interval", "1ms", "--timeout", "100ms"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  const auto summary = r.first("summary");
  EXPECT_EQ(summary["sent"], 40);
  EXPECT_EQ(summary["received"], 30);
  EXPECT_EQ(summary["lost"], 10);
  EXPECT_EQ(summary["late"], 0);
  int lost_lines = 0;
  for (const auto& s : r.all("sample")) {
    if (s["status"] == "lost") {
      ++lost_lines;
      EXPECT_EQ(s["seq"].get<int>() % 4, 3) << s.dump();  // the 4th, 8th, ... request
      EXPECT_TRUE(s["t_recv_user_ns"].is_null());
    }
  }
  EXPECT_EQ(lost_lines, 10);
  reflector.signal(SIGTERM);
  auto rr = reflector.finish(5000);
  EXPECT_EQ(rr.first("summary")["dropped"], 10);
  EXPECT_EQ(rr.first("summary")["served"], 30);
}

TEST(AgentAccounting, RawResponderDropEveryGivesExactLoss) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab({.address_b = false});
  ASSERT_EQ(lab.error(), "");
  AgentProcess responder(raw_responder_args(lab, {"--drop-every", "5"}));
  ASSERT_TRUE(responder.wait_for_line("header", 5000));
  auto r = run_agent(raw_probe_args(lab, {"--count", "25", "--interval", "2ms", "--timeout", "100ms"}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  const auto summary = r.first("summary");
  EXPECT_EQ(summary["sent"], 25);
  EXPECT_EQ(summary["received"], 20);
  EXPECT_EQ(summary["lost"], 5);
  responder.signal(SIGTERM);
  EXPECT_EQ(responder.finish(5000).first("summary")["dropped"], 5);
}

TEST(AgentAccounting, LateRepliesAreRecordedAndStayLost) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9400"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  // The reflector is frozen for the first ~80 ms of the run: requests queue
  // in its socket and are answered after their 20 ms timeout.
  reflector.signal(SIGSTOP);
  AgentProcess probe({"udp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--port", "9400", "--count", "40",
                      "--interval", "5ms", "--timeout", "20ms"});
  ASSERT_TRUE(probe.wait_for_line("header", 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  reflector.signal(SIGCONT);
  auto r = probe.finish(10000);
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  const auto summary = r.first("summary");
  ASSERT_FALSE(summary.is_null()) << r.stdout_text;
  const int sent = summary["sent"].get<int>();
  const int received = summary["received"].get<int>();
  const int lost = summary["lost"].get<int>();
  const int late = summary["late"].get<int>();
  EXPECT_EQ(sent, 40);
  EXPECT_EQ(sent, received + lost);
  EXPECT_GE(late, 5) << summary.dump();  // at least the first 80 ms minus 20 ms of timeout
  EXPECT_EQ(late, lost) << summary.dump();  // nothing was dropped: every lost request came back late
  EXPECT_GT(received, 0);
  int ok_lines = 0, lost_lines = 0, late_lines = 0;
  for (const auto& s : r.all("sample")) {
    if (s["status"] == "ok") ++ok_lines;
    if (s["status"] == "lost") ++lost_lines;
    if (s["status"] == "late") {
      ++late_lines;
      EXPECT_GT(s["rtt_user_ns"].get<std::int64_t>(), 20'000'000) << s.dump();
    }
  }
  EXPECT_EQ(ok_lines, received);
  EXPECT_EQ(lost_lines, lost);  // a late request has its lost line and then its late line
  EXPECT_EQ(late_lines, late);
  reflector.signal(SIGTERM);
  EXPECT_EQ(reflector.finish(5000).first("summary")["served"], 40);
}

}  // namespace
}  // namespace latlab::test
