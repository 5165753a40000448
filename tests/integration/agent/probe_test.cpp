// Each probe against each responder, on a real veth pair between two
// namespaces (and loopback).
#include <gtest/gtest.h>
#include <signal.h>

#include "agent_lab.h"
#include "agent_process.h"
#include "probe_checks.h"
#include "support/privileged.h"

namespace latlab::test {
namespace {

constexpr std::int64_t kDelayNs = 200'000;  // --delay 200us

// A responder that spins `kDelayNs` before every reply puts a floor under
// each round trip and under its own reported processing time.
void expect_delay_floor(const AgentResult& probe, AgentProcess& responder) {
  EXPECT_EQ(responder.line("header")["spec"]["delay"], "200us");
  for (const auto& s : probe.all("sample")) {
    SCOPED_TRACE(s.dump());
    EXPECT_GE(s["rtt_user_ns"].get<std::int64_t>(), kDelayNs);
    EXPECT_GE(s["rtt_kernel_ns"].get<std::int64_t>(), kDelayNs);
    EXPECT_GE(s["peer_proc_ns"].get<std::int64_t>(), kDelayNs);
  }
  responder.signal(SIGTERM);
  auto rr = responder.finish(5000);
  EXPECT_EQ(rr.exit_code, 0) << rr.stderr_text;
  const auto summary = rr.first("summary");
  ASSERT_FALSE(summary.is_null()) << rr.stdout_text << rr.stderr_text;
  EXPECT_EQ(summary["served"], probe.all("sample").size());
  EXPECT_GE(summary["peer_proc_max_ns"].get<std::int64_t>(), kDelayNs);
}

TEST(AgentProbe, IcmpV4AgainstKernel) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  auto r = run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--count", "20", "--interval",
                      "1ms", "--warmup", "2"});
  expect_all_answered(r, 22);
  expect_ordered_timestamps(r, false);
  const auto header = r.first("header");
  EXPECT_EQ(header["mode"], "icmp");
  EXPECT_EQ(header["family"], 4);
  EXPECT_EQ(header["socket"]["socket_type"], "raw");
  EXPECT_EQ(header["socket"]["tx_timestamp"], "software");
  EXPECT_EQ(header["clock"]["sample_clock"], "CLOCK_MONOTONIC");
  const auto samples = r.all("sample");
  EXPECT_TRUE(samples[0]["warmup"].get<bool>());
  EXPECT_TRUE(samples[1]["warmup"].get<bool>());
  EXPECT_FALSE(samples[2]["warmup"].get<bool>());
  EXPECT_EQ(samples[5]["ttl"], 64);
  EXPECT_EQ(samples[5]["bytes"], 64);  // 8-byte ICMP header + 56 bytes of data
  const auto summary = r.first("summary");
  EXPECT_EQ(summary["warmup"], 2);
  EXPECT_EQ(summary["rtt_user_ns"]["count"], 20);
  EXPECT_EQ(summary["timer_error_ns"]["count"], 22);
}

TEST(AgentProbe, IcmpV6AgainstKernel) {
  LATLAB_REQUIRE_ROOT();
  LabOptions o;
  o.ipv6 = true;
  VethLab lab(o);
  ASSERT_EQ(lab.error(), "");
  auto r = run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "2001:2::2", "--count", "20", "--interval",
                      "1ms"});
  expect_all_answered(r, 20);
  expect_ordered_timestamps(r, false);
  EXPECT_EQ(r.first("header")["family"], 6);
  EXPECT_EQ(r.first("header")["socket"]["protocol"], "icmpv6");
  EXPECT_EQ(r.all("sample")[3]["ttl"], 64);  // hop limit
}

TEST(AgentProbe, IcmpLoopbackBackToBack) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  auto r = run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "127.0.0.1", "--count", "200", "--interval",
                      "0", "--samples", "off"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_TRUE(r.all("sample").empty());
  const auto summary = r.first("summary");
  EXPECT_EQ(summary["sent"], 200);
  EXPECT_EQ(summary["received"], 200);
  EXPECT_EQ(summary["timer_error_ns"]["count"], 0);  // back to back: no timer involved
}

TEST(AgentProbe, UdpAgainstReflector) {
  LATLAB_REQUIRE_ROOT();
  LabOptions o;
  o.ipv6 = true;
  VethLab lab(o);
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9100"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  auto r4 = run_agent({"udp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--port", "9100", "--count",
                       "30", "--interval", "500us", "--payload", "100"});
  expect_all_answered(r4, 30);
  expect_ordered_timestamps(r4, true);
  EXPECT_EQ(r4.all("sample")[0]["bytes"], 100);
  auto r6 = run_agent({"udp", "--netns", lab.ns_path_a(), "--target", "2001:2::2", "--port", "9100", "--count",
                       "30", "--interval", "0"});
  expect_all_answered(r6, 30);
  expect_ordered_timestamps(r6, true);
  reflector.signal(SIGTERM);
  auto rr = reflector.finish(5000);
  EXPECT_EQ(rr.exit_code, 0) << rr.stderr_text;
  const auto summary = rr.first("summary");
  ASSERT_FALSE(summary.is_null()) << rr.stdout_text;
  EXPECT_EQ(summary["served"], 60);
  EXPECT_EQ(summary["dropped"], 0);
  EXPECT_TRUE(summary["interrupted"].get<bool>());
}

// Back to back, TX stamps are read off the error queue once per batch of
// replies (not once per reply): every sample must still carry its own.
TEST(AgentProbe, BackToBackSamplesKeepTheirTxStampsAcrossBatches) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9300"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  for (const std::vector<std::string>& probe :
       {std::vector<std::string>{"udp", "--target", "198.18.0.2", "--port", "9300"},
        std::vector<std::string>{"icmp", "--target", "127.0.0.1"}}) {
    SCOPED_TRACE(probe[0]);
    std::vector<std::string> args = probe;
    for (const char* a : {"--netns", "", "--count", "500", "--interval", "0"}) args.emplace_back(a);
    args[probe.size() + 1] = lab.ns_path_a();
    auto r = run_agent(args);
    expect_all_answered(r, 500);
    expect_ordered_timestamps(r, probe[0] == "udp");
    EXPECT_EQ(r.first("summary")["tx_stamps_missing"], 0);
    // Samples are written in the order their replies came: seq order here.
    const auto samples = r.all("sample");
    for (std::size_t i = 0; i < samples.size(); ++i) EXPECT_EQ(samples[i]["seq"], i);
  }
}

// --spin on both ends: the probe polls for each reply and the reflector for
// each request instead of sleeping; nothing else changes.
TEST(AgentProbe, SpinningProbeAgainstSpinningReflector) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9301", "--spin", "200us"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  EXPECT_EQ(reflector.line("header")["spec"]["spin"], "200us");
  auto r = run_agent({"udp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--port", "9301", "--count", "300",
                      "--interval", "0", "--spin", "200us"});
  expect_all_answered(r, 300);
  expect_ordered_timestamps(r, true);
  reflector.signal(SIGTERM);
  auto rr = reflector.finish(5000);
  EXPECT_EQ(rr.exit_code, 0) << rr.stderr_text;
  EXPECT_EQ(rr.first("summary")["served"], 300);
}

// --delay on udp-reflector: every round trip and every reported processing
// time is at least the delay (a floor the spin guarantees, not a timing goal).
TEST(AgentProbe, UdpReflectorDelayIsAFloorUnderEverySample) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9303", "--delay", "200us"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  auto r = run_agent({"udp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--port", "9303",
                      "--count", "50", "--interval", "0"});
  expect_all_answered(r, 50);
  expect_ordered_timestamps(r, true);
  expect_delay_floor(r, reflector);
}

// --kernel-stamps off: no SO_TIMESTAMPING at all, and the output says so
// instead of inventing stamps.
TEST(AgentProbe, KernelStampsOffLeavesThemNull) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9302", "--kernel-stamps", "off"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  EXPECT_TRUE(reflector.line("header")["socket"]["rx_timestamp"].is_null());
  auto r = run_agent({"udp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--port", "9302", "--count", "50",
                      "--interval", "0", "--kernel-stamps", "off"});
  expect_all_answered(r, 50);
  const auto socket = r.first("header")["socket"];
  EXPECT_EQ(socket["timestamping"], "none");
  EXPECT_TRUE(socket["tx_timestamp"].is_null());
  EXPECT_TRUE(socket["rx_timestamp"].is_null());
  EXPECT_EQ(socket["timestamping_note"], "off: --kernel-stamps off");
  for (const auto& s : r.all("sample")) {
    SCOPED_TRACE(s.dump());
    EXPECT_TRUE(s["t_send_kernel_ns"].is_null());
    EXPECT_TRUE(s["t_recv_kernel_ns"].is_null());
    EXPECT_TRUE(s["rtt_kernel_ns"].is_null());
    EXPECT_GT(s["rtt_user_ns"].get<std::int64_t>(), 0);
    EXPECT_GE(s["peer_proc_ns"].get<std::int64_t>(), 0);  // the reflector's user receive to user send
  }
  const auto summary = r.first("summary");
  EXPECT_EQ(summary["tx_stamps_missing"], 0);  // none were asked for
  EXPECT_EQ(summary["rtt_kernel_ns"]["count"], 0);
}

// A paced probe that spins through the whole interval never sleeps in ppoll,
// where the stop signals are let through: Ctrl-C must still stop it.
TEST(AgentProbe, SigintStopsAPacedProbeThatSpinsThroughEveryInterval) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  AgentProcess probe({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--count", "1000000",
                      "--interval", "1ms", "--spin", "1ms"});
  ASSERT_TRUE(probe.wait_for_line("header", 5000));
  ASSERT_TRUE(probe.wait_for_line("sample", 5000));
  probe.signal(SIGINT);
  auto r = probe.finish(5000);
  EXPECT_EQ(r.exit_code, 130) << r.stderr_text;
  const auto summary = r.first("summary");
  ASSERT_FALSE(summary.is_null()) << r.stdout_text.substr(0, 500);
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_EQ(summary["sent"], summary["received"].get<std::uint64_t>() + summary["lost"].get<std::uint64_t>());
  EXPECT_LT(summary["sent"].get<std::uint64_t>(), 1000000u);
}

TEST(AgentProbe, RawAgainstRawResponderWithoutKernelAddress) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab({.address_b = false});  // only the user-space responder answers for 198.18.0.2
  ASSERT_EQ(lab.error(), "");
  AgentProcess responder(raw_responder_args(lab, {"--qdisc-bypass", "on"}));
  ASSERT_TRUE(responder.wait_for_line("header", 5000));
  auto r = run_agent(raw_probe_args(lab, {"--count", "20", "--interval", "2ms", "--timeout", "200ms",
                                          "--qdisc-bypass", "on", "--fanout", "11"}));
  expect_all_answered(r, 20);
  expect_ordered_timestamps(r, true);
  const auto header = r.first("header");
  EXPECT_EQ(header["socket"]["socket_type"], "packet");
  EXPECT_EQ(header["socket"]["qdisc_bypass"], true);
  EXPECT_EQ(header["socket"]["fanout"], 11);
  EXPECT_EQ(header["socket"]["next_hop_source"], "own ARP request");  // nobody in the kernel knew it
  responder.signal(SIGTERM);
  auto rr = responder.finish(5000);
  ASSERT_FALSE(rr.first("summary").is_null()) << rr.stdout_text << rr.stderr_text;
  EXPECT_EQ(rr.first("summary")["served"], 20);
  EXPECT_GE(rr.first("summary")["arp_replies"].get<int>(), 1);
}

// --delay on raw-responder: the same floor, with the ring's RX stamp.
TEST(AgentProbe, RawResponderDelayIsAFloorUnderEverySample) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab({.address_b = false});
  ASSERT_EQ(lab.error(), "");
  AgentProcess responder(raw_responder_args(lab, {"--delay", "200us"}));
  ASSERT_TRUE(responder.wait_for_line("header", 5000));
  auto r = run_agent(raw_probe_args(lab, {"--count", "20", "--interval", "2ms", "--timeout", "200ms"}));
  expect_all_answered(r, 20);
  expect_ordered_timestamps(r, true);
  expect_delay_floor(r, responder);
}

TEST(AgentProbe, RawAgainstKernel) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  auto r = run_agent(raw_probe_args(lab, {"--count", "20", "--interval", "2ms", "--timeout", "200ms"}));
  expect_all_answered(r, 20);
  expect_ordered_timestamps(r, false);
}

TEST(AgentProbe, SpecOnStdinAndNetnsByPid) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  // A process living in namespace b: the reflector; the probe joins namespace a by path via the spec.
  AgentProcess reflector({"udp-reflector", "--netns", lab.ns_path_b(), "--port", "9200", "--count", "10"});
  ASSERT_TRUE(reflector.wait_for_line("header", 5000));
  const int reflector_pid = reflector.line("header")["pid"].get<int>();
  auto r = run_agent({"--spec", "-"}, 20000,
                     R"({"mode":"udp","netns":")" + lab.ns_path_a() +
                         R"(","target":"198.18.0.2","port":9200,"count":5,"interval":"1ms","timeout":"500ms"})");
  expect_all_answered(r, 5);
  EXPECT_EQ(r.first("header")["spec"]["interval"], "1ms");
  // Joining the reflector's namespace by its pid: its loopback is reachable only from there.
  auto by_pid = run_agent({"udp", "--netns-pid", std::to_string(reflector_pid), "--target", "127.0.0.1", "--port",
                           "9200", "--count", "5", "--interval", "1ms"});
  expect_all_answered(by_pid, 5);
  auto rr = reflector.finish(5000);  // exits by itself after --count 10
  EXPECT_EQ(rr.exit_code, 0);
  EXPECT_EQ(rr.first("summary")["served"], 10);
  EXPECT_FALSE(rr.first("summary")["interrupted"].get<bool>());
}

}  // namespace
}  // namespace latlab::test
