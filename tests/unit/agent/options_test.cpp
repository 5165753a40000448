#include "core/options.h"

#include <gtest/gtest.h>

#include <map>

#include "core/duration.h"
#include "core/spec_json.h"

namespace latlab::agent {
namespace {

Result<AgentOptions> parse(std::vector<std::string> args, std::string spec = "") {
  return parse_options(args, [spec](const std::string& path) -> Result<std::string> {
    if (path != "-") return usage_error("--spec " + path + ": No such file or directory (ENOENT)");
    return spec;
  });
}

std::string error_of(std::vector<std::string> args, std::string spec = "") {
  auto r = parse(std::move(args), std::move(spec));
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().code, ExitCode::usage);
  return r.error().message;
}

TEST(Duration, Units) {
  EXPECT_EQ(*parse_duration("--interval", "0"), 0);
  EXPECT_EQ(*parse_duration("--interval", "200us"), 200'000);
  EXPECT_EQ(*parse_duration("--interval", "1ms"), 1'000'000);
  EXPECT_EQ(*parse_duration("--interval", "1.5ms"), 1'500'000);
  EXPECT_EQ(*parse_duration("--interval", "2s"), 2'000'000'000);
  EXPECT_EQ(*parse_duration("--interval", "750ns"), 750);
  EXPECT_EQ(format_duration(200'000), "200us");
  EXPECT_EQ(format_duration(1'500'000), "1500us");
  EXPECT_EQ(format_duration(0), "0");
}

TEST(Duration, Errors) {
  EXPECT_EQ(parse_duration("--interval", "-1ms").error().message, "--interval \"-1ms\": must not be negative");
  EXPECT_EQ(parse_duration("--interval", "5").error().message,
            "--interval \"5\": needs a unit (ns, us, ms or s)");
  EXPECT_EQ(parse_duration("--interval", "5m").error().message,
            "--interval \"5m\": unknown unit \"m\" (expected ns, us, ms or s)");
  EXPECT_EQ(parse_duration("--interval", "ms").error().message,
            "--interval \"ms\": not a duration (expected e.g. 0, 200us, 1ms, 1s)");
}

TEST(Options, ProbeDefaultsAndValues) {
  auto o = parse({"icmp", "--target", "198.18.0.2", "--count", "100", "--interval=200us", "--payload", "64",
                  "--warmup", "5", "--timeout", "50ms", "--cpu", "1", "--rt", "--samples", "off"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->mode, Mode::icmp);
  EXPECT_EQ(o->target.family, 4);
  EXPECT_EQ(o->count, 100u);
  EXPECT_EQ(o->interval_ns, 200'000);
  EXPECT_EQ(o->payload, 64u);
  EXPECT_EQ(o->warmup, 5u);
  EXPECT_EQ(o->timeout_ns, 50'000'000);
  EXPECT_EQ(o->cpu, 1);
  EXPECT_EQ(o->rt_priority, 50);
  EXPECT_FALSE(o->samples);
}

TEST(Options, FamilyInferredOrForced) {
  auto o = parse({"udp", "--target", "2001:2::2"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->target.family, 6);
  EXPECT_EQ(error_of({"udp", "--target", "2001:2::2", "--family", "4"}),
            "--target \"2001:2::2\": not an IPv4 address (--family 4)");
  EXPECT_EQ(error_of({"udp", "--target", "198.18.0.2", "--family", "5"}),
            "--family \"5\": unknown address family (expected 4 or 6)");
  EXPECT_EQ(error_of({"icmp", "--target", "localhost"}), "--target \"localhost\": not an IPv4 or IPv6 address");
}

TEST(Options, ExactErrors) {
  EXPECT_EQ(error_of({}), "missing mode; supported modes are icmp, udp, raw, udp-reflector, raw-responder, version, hold");
  EXPECT_EQ(error_of({"tcp"}),
            "unknown mode \"tcp\"; supported modes are icmp, udp, raw, udp-reflector, raw-responder, version, hold");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--bogus", "1"}), "unknown option \"--bogus\"");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--interval", "-1ms"}),
            "--interval \"-1ms\": must not be negative");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--count", "-3"}), "--count \"-3\": must not be negative");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--count", "ten"}),
            "--count \"ten\": not a non-negative integer");
  EXPECT_EQ(error_of({"icmp", "--target"}), "option --target needs a value");
  EXPECT_EQ(error_of({"icmp"}), "--target is required for mode icmp");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--ifname", "eth0"}),
            "option --ifname does not apply to mode icmp");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--payload", "8"}), "--payload 8: below the minimum of 32 bytes");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--samples", "yes"}), "--samples \"yes\": expected on or off");
  EXPECT_EQ(error_of({"raw", "--target", "198.18.0.2"}), "--ifname is required for mode raw");
  EXPECT_EQ(error_of({"raw", "--target", "2001:2::2", "--ifname", "veth0"}), "mode raw supports IPv4 targets only");
  EXPECT_EQ(error_of({"raw-responder", "--ifname", "veth0"}), "--address is required for mode raw-responder");
  EXPECT_EQ(error_of({"raw-responder", "--ifname", "veth0", "--address", "2001:2::1"}),
            "--address \"2001:2::1\": not an IPv4 address");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--netns", "/run/netns/x", "--netns-pid", "1"}),
            "--netns and --netns-pid are mutually exclusive");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--rt", "0"}), "--rt \"0\": real-time priority must be 1-99");
  EXPECT_EQ(error_of({"udp", "--target", "198.18.0.2", "--port", "70000"}),
            "--port \"70000\": above the maximum of 65535");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "stray"}), "unexpected argument \"stray\"");
  EXPECT_EQ(error_of({"raw", "--target", "198.18.0.2", "--ifname", "v", "--ring-block-size", "5000"}),
            "--ring-block-size 5000: must be a multiple of the page size (4096)");
}

TEST(Options, ResponderOptions) {
  auto o = parse({"raw-responder", "--ifname", "veth1", "--address", "198.18.0.2", "--drop-every", "4",
                  "--qdisc-bypass", "on", "--fanout", "7"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->drop_every, 4u);
  EXPECT_TRUE(o->qdisc_bypass);
  EXPECT_EQ(o->fanout_group, 7);
  EXPECT_EQ(format_ip(o->address), "198.18.0.2");
  EXPECT_EQ(error_of({"udp-reflector", "--target", "198.18.0.2"}), "option --target does not apply to mode udp-reflector");
}

TEST(Options, SpinAndKernelStamps) {
  auto reflector = parse({"udp-reflector", "--spin", "200us", "--kernel-stamps", "off"});
  ASSERT_TRUE(reflector) << reflector.error().message;
  EXPECT_EQ(reflector->spin_ns, 200'000);
  EXPECT_FALSE(reflector->kernel_stamps);
  auto probe = parse({"udp", "--target", "198.18.0.2"});
  ASSERT_TRUE(probe) << probe.error().message;
  EXPECT_TRUE(probe->kernel_stamps);  // on unless asked
  EXPECT_EQ(probe->spin_ns, 0);
  EXPECT_EQ(error_of({"raw-responder", "--ifname", "veth1", "--address", "198.18.0.2", "--spin", "1ms"}),
            "option --spin does not apply to mode raw-responder");
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--kernel-stamps", "maybe"}),
            "--kernel-stamps \"maybe\": expected on or off");
}

TEST(Options, DelayOnRespondersOnly) {
  auto reflector = parse({"udp-reflector", "--delay", "5us"});
  ASSERT_TRUE(reflector) << reflector.error().message;
  EXPECT_EQ(reflector->delay_ns, 5'000);
  auto responder = parse({"raw-responder", "--ifname", "veth1", "--address", "198.18.0.2", "--delay=1.5us"});
  ASSERT_TRUE(responder) << responder.error().message;
  EXPECT_EQ(responder->delay_ns, 1'500);
  auto from_spec = parse({"udp-reflector", "--spec", "-"}, R"({"delay": "1s"})");
  ASSERT_TRUE(from_spec) << from_spec.error().message;
  EXPECT_EQ(from_spec->delay_ns, 1'000'000'000);     // the maximum is allowed
  EXPECT_EQ(parse({"udp-reflector"})->delay_ns, 0);  // no delay unless asked
  EXPECT_EQ(error_of({"icmp", "--target", "198.18.0.2", "--delay", "2us"}),
            "option --delay does not apply to mode icmp");
  EXPECT_EQ(error_of({"udp", "--target", "198.18.0.2", "--delay", "2us"}),
            "option --delay does not apply to mode udp");
  EXPECT_EQ(error_of({"raw", "--target", "198.18.0.2", "--ifname", "veth0", "--delay", "2us"}),
            "option --delay does not apply to mode raw");
  EXPECT_EQ(error_of({"udp-reflector", "--delay", "1001ms"}), "--delay \"1001ms\": above the maximum of 1s");
  EXPECT_EQ(error_of({"udp-reflector", "--delay", "-2us"}), "--delay \"-2us\": must not be negative");
  EXPECT_EQ(error_of({"udp-reflector", "--delay", "2"}), "--delay \"2\": needs a unit (ns, us, ms or s)");
  EXPECT_EQ(
      error_of({"raw-responder", "--spec", "-"}, R"({"ifname":"v","address":"198.18.0.2","delay":"2s"})"),
      "spec: --delay \"2s\": above the maximum of 1s");
}

TEST(Options, SpecFromStdinWithArgvOverride) {
  auto o = parse({"icmp", "--spec", "-", "--count", "7"},
                 R"({"target": "2001:2::2", "count": 100, "interval": "1ms", "samples": false, "rt": true})");
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->target.family, 6);
  EXPECT_EQ(o->count, 7u);  // argv wins
  EXPECT_EQ(o->interval_ns, 1'000'000);
  EXPECT_FALSE(o->samples);
  EXPECT_EQ(o->rt_priority, 50);
}

TEST(Options, SpecCanCarryTheMode) {
  auto o = parse({"--spec", "-"}, R"({"mode":"udp-reflector","port":9100})");
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->mode, Mode::udp_reflector);
  EXPECT_EQ(o->port, 9100);
}

TEST(Options, SpecErrors) {
  EXPECT_EQ(error_of({"icmp", "--spec", "-"}, R"({"target":"198.18.0.2","colour":"red"})"),
            "spec: unknown option \"--colour\"");
  EXPECT_EQ(error_of({"icmp", "--spec", "-"}, R"({"target":"198.18.0.2","interval":"-5ms"})"),
            "spec: --interval \"-5ms\": must not be negative");
  EXPECT_EQ(error_of({"icmp", "--spec", "-"}, "{\"target\":\"198.18.0.2\",\n \"count\": [1]}"),
            "spec: line 2 column 11: value of \"count\" must be a string, number or boolean");
  EXPECT_EQ(error_of({"icmp", "--spec", "-"}, R"({"target":"198.18.0.2"} x)"),
            "spec: line 1 column 25: unexpected text after the object");
  EXPECT_EQ(error_of({"icmp", "--spec", "-"}, R"({"count":1,"count":2})"),
            "spec: line 1 column 19: duplicate key \"count\"");
  EXPECT_EQ(error_of({"udp", "--spec", "-"}, R"({"mode":"icmp"})"),
            "spec: mode \"icmp\" contradicts mode \"udp\" on the command line");
  EXPECT_EQ(error_of({"icmp", "--spec", "/nonexistent"}), "--spec /nonexistent: No such file or directory (ENOENT)");
}

TEST(Options, HoldTakesNoOptions) {
  auto o = parse({"hold"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->mode, Mode::hold);
  EXPECT_EQ(error_of({"hold", "--count", "1"}), "mode hold takes no options");
  EXPECT_EQ(error_of({"version", "--count", "1"}), "mode version takes no options");
}

TEST(SpecJson, ParsesFlatObject) {
  auto entries = parse_spec_json(R"( { "a" : "x\"y" , "b" : -12 , "c" : true } )");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].text, "x\"y");
  EXPECT_EQ((*entries)[1].kind, SpecEntry::Kind::number);
  EXPECT_EQ((*entries)[1].text, "-12");
  EXPECT_EQ((*entries)[2].kind, SpecEntry::Kind::boolean);
  EXPECT_TRUE(parse_spec_json("{}"));
  EXPECT_FALSE(parse_spec_json("[]"));
  EXPECT_FALSE(parse_spec_json(R"({"a":"unterminated)"));
  EXPECT_FALSE(parse_spec_json(R"({"a":null})"));
}

}  // namespace
}  // namespace latlab::agent
