// The load stage's pure parts: where loads and probes run, iperf3's command
// lines, and reading what a load achieved from iperf3's JSON.
#include <gtest/gtest.h>

#include "run/load.h"

namespace latlab::run {
namespace {

scenario::LoadSpec tcp_load() {
  scenario::LoadSpec l;
  l.kind = "tcp";
  l.from_node = "a";
  l.to_text = "b";
  l.to_node = "b";
  l.target = *scenario::IpAddr::parse("198.18.1.2");
  l.streams = 4;
  l.port = 5202;
  return l;
}

TEST(LoadCpus, TheProbeAndTheLoadNeverShareACpuUnlessTheScenarioSaysSo) {
  scenario::Experiment e;
  auto none = plan_cpus(e, {0, 1});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->probe) << "no load: the scenario's settings as they are";
  e.load.push_back(tcp_load());
  auto p = plan_cpus(e, {0, 1, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->probe, 2);
  EXPECT_EQ(*p->responder, 2);
  EXPECT_EQ(p->loads.at(0), (std::vector<int>{0, 1}));
  e.cpu = 0;
  p = plan_cpus(e, {0, 1});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->loads.at(0), std::vector<int>{1});
  auto one = plan_cpus(scenario::Experiment{.load = {tcp_load()}}, {0});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().message(),
            "load 0 (a to b): no CPU left for it: the probe and responder use 0 and latlab may run on 0; give the "
            "load \"cpus\" to share one");
  e.load[0].cpus = {0};
  p = plan_cpus(e, {0, 1});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->loads.at(0), std::vector<int>{0}) << "the scenario's own cpus, even the probe's";
}

TEST(LoadArgv, BandwidthIsSplitOverTheStreamsAndUdpAddsItsFlag) {
  auto l = tcp_load();
  EXPECT_EQ(iperf_server_argv(l), (std::vector<std::string>{"iperf3", "-s", "-1", "-p", "5202", "-B", "198.18.1.2",
                                                            "-i", "0", "--forceflush"}));
  l.kind = "udp";
  l.bandwidth_bps = 400'000'000;
  l.payload = 1400;
  EXPECT_EQ(iperf_client_argv(l, 3),
            (std::vector<std::string>{"iperf3", "-c", "198.18.1.2", "-p", "5202", "-t", "3", "-P", "4", "--json",
                                      "--connect-timeout", "5000", "-b", "100000000", "-l", "1400", "-u"}));
  auto t = tcp_load();
  t.congestion = "cubic";
  auto a = iperf_client_argv(t, 3);
  ASSERT_GE(a.size(), 2u);
  EXPECT_EQ((std::vector<std::string>{a[a.size() - 2], a.back()}), (std::vector<std::string>{"-C", "cubic"}))
      << "a tcp load names its congestion control";
  EXPECT_EQ(load_seconds(2'000'000'000), 4u) << "ramp 0.5 s + 2 s + 5 % + 0.5 s, rounded up";
}

TEST(LoadResult, ReadsWhatEachKindAchievedAndIperfsOwnError) {
  store::LoadRecord rec;
  auto l = tcp_load();
  ASSERT_TRUE(read_iperf_result(R"({"end": {"sum_sent": {"retransmits": 12, "bits_per_second": 2e8},
                                            "sum_received": {"bits_per_second": 1.9e8},
                                            "sender_tcp_congestion": "cubic"}})",
                                l, rec)
                  .ok());
  EXPECT_EQ(rec.congestion, "cubic");
  EXPECT_DOUBLE_EQ(*rec.bits_per_second, 1.9e8);
  EXPECT_EQ(*rec.retransmits, 12);
  l.kind = "udp";
  store::LoadRecord u;
  ASSERT_TRUE(read_iperf_result(R"({"end": {"sum_received": {"bits_per_second": 5e7, "lost_packets": 3,
                                            "packets": 100}}})",
                                l, u)
                  .ok());
  EXPECT_EQ(*u.lost_packets, 3);
  EXPECT_EQ(*u.packets, 100);
  auto err = read_iperf_result(R"({"start": {}, "error": "unable to connect to server: Connection refused"})", l, u);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().message(), "iperf3: unable to connect to server: Connection refused");
  EXPECT_EQ(read_iperf_result("", l, u).error().message(), "iperf3 wrote no result");
}

}  // namespace
}  // namespace latlab::run
