// How a scenario's "wait" and responder "delay" reach the agents' argv, and
// what the run records of them in params_json (the keys reports read).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run/runner.h"
#include "scenario/load.h"

using namespace latlab;
using Argv = std::vector<std::string>;

namespace {

// A two-node lab "w" (a -> b over one veth) with the one experiment given.
scenario::LoadResult lab_with(const std::string& experiment) {
  auto r = scenario::load_scenario_text(R"json({"latlab": 1, "name": "w",
    "nodes": {"a": {"kind": "netns"}, "b": {"kind": "netns"}},
    "links": [{"kind": "veth", "endpoints": ["a:eth0", "b:eth0"]}],
    "experiments": [)json" + experiment + "]}",
                                        "x.json");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
  return r;
}

Argv probe(const std::string& experiment) {
  auto r = lab_with(experiment);
  return r.ok() ? run::probe_argv(*r.lab, r.lab->experiments.at(0), "/bin/agent", 7) : Argv{};
}

Argv responder(const std::string& experiment) {
  auto r = lab_with(experiment);
  return r.ok() ? run::responder_argv(*r.lab, r.lab->experiments.at(0), "/bin/agent") : Argv{};
}

nlohmann::json params(const std::string& experiment) {
  auto r = lab_with(experiment);
  return r.ok() ? run::experiment_params(r.lab->experiments.at(0)) : nlohmann::json{};
}

// The value after `flag` in argv, or "<absent>"; "<twice>" when it is given twice.
std::string flag(const Argv& argv, const std::string& name) {
  std::string out = "<absent>";
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != name) continue;
    if (out != "<absent>") return "<twice>";
    out = argv[i + 1];
  }
  return out;
}

const char* kUdp =
    R"({"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "count": 10, "interval": "1ms")";

std::string udp(const std::string& extra) { return std::string(kUdp) + extra + "}"; }

TEST(WaitArgv, ProbeSpinsThroughTheWholeIntervalWhenPaced) {
  Argv want = {"/bin/agent", "udp",        "--netns",   "/run/netns/latlab-w-a",
               "--target",   "198.18.0.2", "--count",   "10",
               "--interval", "1ms",        "--payload", "56",
               "--warmup",   "5",          "--timeout", "1s",
               "--spin",     "1ms",        "--port",    "7"};
  EXPECT_EQ(probe(udp(R"(, "wait": "spin")")), want);
}

TEST(WaitArgv, ProbeSpinsThroughTheWholeReplyWaitBackToBack) {
  Argv argv = probe(R"({"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "count": 10, "interval": 0,
                   "timeout": "200ms", "wait": "spin"})");
  EXPECT_EQ(flag(argv, "--interval"), "0");
  EXPECT_EQ(flag(argv, "--spin"), "200ms");
  EXPECT_EQ(flag(argv, "--busy-poll"), "<absent>");
}

TEST(WaitArgv, ProbeBlocksByDefault) {
  Argv argv = probe(udp(""));
  EXPECT_EQ(flag(argv, "--spin"), "<absent>");
  EXPECT_EQ(flag(argv, "--busy-poll"), "<absent>");
  EXPECT_EQ(probe(udp(R"(, "wait": "block")")), argv);
}

TEST(WaitArgv, ProbeBusyPollUsesOptionsBusyPollOr50) {
  EXPECT_EQ(flag(probe(udp(R"(, "wait": "busy_poll")")), "--busy-poll"), "50");
  EXPECT_EQ(flag(probe(udp(R"(, "wait": "busy_poll", "options": {"busy_poll": 20})")), "--busy-poll"), "20");
  EXPECT_EQ(flag(probe(udp(R"(, "wait": "busy_poll")")), "--spin"), "<absent>");
}

TEST(WaitArgv, OptionsBusyPollIsPassedWhateverTheWaitMode) {
  Argv block = probe(udp(R"(, "options": {"busy_poll": 30})"));
  EXPECT_EQ(flag(block, "--busy-poll"), "30");
  EXPECT_EQ(flag(block, "--spin"), "<absent>");
  Argv spin = probe(udp(R"(, "wait": "spin", "options": {"busy_poll": 30})"));
  EXPECT_EQ(flag(spin, "--busy-poll"), "30");
  EXPECT_EQ(flag(spin, "--spin"), "1ms");
}

TEST(WaitArgv, IcmpProbeWaitsTheSameWay) {
  Argv argv = probe(
      R"({"name": "i", "probe": "icmp", "from": "a", "to": "b:eth0", "interval": "250us", "wait": "spin"})");
  EXPECT_EQ(argv.at(1), "icmp");
  EXPECT_EQ(flag(argv, "--spin"), "250us");
}

TEST(WaitArgv, UdpReflectorSpinsTwiceTheIntervalAndAtLeast1ms) {
  Argv want = {"/bin/agent", "udp-reflector", "--netns", "/run/netns/latlab-w-b", "--port", "7", "--family",
               "4",          "--spin",        "4ms"};
  EXPECT_EQ(responder(R"({"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "interval": "2ms",
                          "responder": {"wait": "spin"}})"),
            want);
  EXPECT_EQ(flag(responder(udp(R"(, "responder": {"wait": "spin"})")), "--spin"), "2ms");
  EXPECT_EQ(flag(responder(R"({"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "interval": "100us",
                               "responder": {"wait": "spin"}})"),
                 "--spin"),
            "1ms");
  EXPECT_EQ(flag(responder(R"({"name": "u", "probe": "udp", "from": "a", "to": "b:eth0", "interval": 0,
                               "responder": {"wait": "spin"}})"),
                 "--spin"),
            "1ms");
}

TEST(WaitArgv, ResponderBusyPollAndDelay) {
  Argv want = {"/bin/agent",  "udp-reflector",
               "--netns",     "/run/netns/latlab-w-b",
               "--port",      "7",
               "--family",    "4",
               "--busy-poll", "50",
               "--delay",     "5us"};
  EXPECT_EQ(responder(udp(R"(, "responder": {"wait": "busy_poll", "delay": "5us"})")), want);
  Argv block = responder(udp(""));
  EXPECT_EQ(flag(block, "--spin"), "<absent>");
  EXPECT_EQ(flag(block, "--busy-poll"), "<absent>");
  EXPECT_EQ(flag(block, "--delay"), "<absent>");
}

TEST(WaitArgv, RawResponderBusyPollsAndDelays) {
  Argv want = {"/bin/agent", "raw-responder", "--netns",     "/run/netns/latlab-w-b", "--ifname",
               "eth0",       "--address",     "198.18.0.20", "--busy-poll",           "50",
               "--delay",    "1500ns"};
  EXPECT_EQ(responder(R"({"name": "r", "probe": "raw", "from": "a", "to": "b:eth0",
                          "responder": {"kind": "raw", "address": "198.18.0.20", "wait": "busy_poll", "delay": "1.5us"}})"),
            want);
}

TEST(WaitArgv, KernelResponderHasNoArgv) {
  EXPECT_THAT(
      responder(
          R"({"name": "i", "probe": "icmp", "from": "a", "to": "b:eth0", "responder": {"delay": "0"}})"),
      ::testing::IsEmpty());
}

TEST(WaitParams, RecordsHowProbeAndResponderWait) {
  auto j = params(
      udp(R"(, "wait": "spin", "min_effect": "2.5%", "responder": {"wait": "busy_poll", "delay": "5us"})"));
  EXPECT_EQ(j.at("wait"), "spin");
  EXPECT_EQ(j.at("responder_wait"), "busy_poll");
  EXPECT_EQ(j.at("responder_delay_ns"), 5000);
  EXPECT_TRUE(j.at("responder_delay_ns").is_number_integer());
  EXPECT_EQ(j.at("min_effect"), 0.025);
  EXPECT_NE(j.dump().find("\"min_effect\":0.025,"), std::string::npos) << "written as 0.025: " << j.dump();
}

TEST(WaitParams, DefaultsAndOmissions) {
  auto j = params(udp(""));
  EXPECT_EQ(j.at("wait"), "block");
  EXPECT_EQ(j.at("responder_wait"), "block");
  EXPECT_FALSE(j.contains("responder_delay_ns")) << "omitted when 0";
  EXPECT_EQ(j.at("min_effect"), 0.05);
  auto k = params(R"({"name": "i", "probe": "icmp", "from": "a", "to": "b:eth0", "wait": "busy_poll"})");
  EXPECT_EQ(k.at("wait"), "busy_poll");
  EXPECT_EQ(k.at("responder"), "kernel");
  EXPECT_FALSE(k.contains("responder_wait")) << "the kernel responder does not wait in a way latlab sets";
  EXPECT_FALSE(k.contains("responder_delay_ns"));
}

TEST(WaitParams, WaitIsRecordedAsGivenNextToOptionsBusyPoll) {
  auto j = params(udp(R"(, "options": {"busy_poll": 30})"));
  EXPECT_EQ(j.at("wait"), "block");
  EXPECT_EQ(j.at("busy_poll_us"), 30);
}

}  // namespace
