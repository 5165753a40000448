// Bad input ends with one error line on stdout, "latlab-agent: error: ..." on
// stderr, and the documented exit code.
#include <gtest/gtest.h>

#include "agent_lab.h"
#include "agent_process.h"
#include "support/privileged.h"

namespace latlab::test {
namespace {

void expect_error(const AgentResult& r, int code, const std::string& message) {
  EXPECT_EQ(r.exit_code, code) << r.stdout_text << r.stderr_text;
  const auto error = r.first("error");
  ASSERT_FALSE(error.is_null()) << r.stdout_text;
  EXPECT_EQ(error["message"], message);
  EXPECT_EQ(r.stderr_text, "latlab-agent: error: " + message + "\n");
}

TEST(AgentBadInput, UsageErrorsExitTwo) {
  expect_error(run_agent({"icmp", "--target", "198.18.0.2", "--colour", "red"}), 2, "unknown option \"--colour\"");
  expect_error(run_agent({"icmp", "--target", "198.18.0.2", "--interval", "-1ms"}), 2,
               "--interval \"-1ms\": must not be negative");
  expect_error(run_agent({"udp", "--target", "198.18.0.2", "--family", "7"}), 2,
               "--family \"7\": unknown address family (expected 4 or 6)");
  expect_error(run_agent({"ping"}), 2,
               "unknown mode \"ping\"; supported modes are icmp, udp, raw, udp-reflector, raw-responder, version, hold");
  expect_error(run_agent({"icmp", "--spec", "-"}, 5000, "{\"target\": 5"), 2,
               "spec: line 1 column 13: expected ',' or '}'");
}

TEST(AgentBadInput, NamespaceThatDoesNotExistExitsThree) {
  LATLAB_REQUIRE_ROOT();
  expect_error(run_agent({"icmp", "--netns", "/run/netns/latlabt-does-not-exist", "--target", "198.18.0.2"}), 3,
               "network namespace /run/netns/latlabt-does-not-exist does not exist");
  expect_error(run_agent({"icmp", "--netns", "/etc/hostname", "--target", "198.18.0.2"}), 3,
               "network namespace /etc/hostname is not a network namespace");
}

TEST(AgentBadInput, PayloadAboveTheMtuExitsTwo) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  expect_error(run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--payload", "1473"}), 2,
               "--payload 1473: does not fit the MTU 1500 of the route to 198.18.0.2 (at most 1472 bytes)");
  expect_error(run_agent({"raw", "--netns", lab.ns_path_a(), "--ifname", lab.if_a(), "--target", "198.18.0.2",
                          "--payload", "1500"}),
               2, "--payload 1500: does not fit the MTU 1500 of " + lab.if_a() + " (at most 1472 bytes)");
  // 1472 fits exactly and is answered.
  auto fits = run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.2", "--payload", "1472", "--count",
                         "2", "--interval", "1ms"});
  EXPECT_EQ(fits.exit_code, 0) << fits.stderr_text;
}

TEST(AgentBadInput, TargetThatDoesNotAnswerExitsOne) {
  LATLAB_REQUIRE_ROOT();
  VethLab lab;
  ASSERT_EQ(lab.error(), "");
  auto r = run_agent({"icmp", "--netns", lab.ns_path_a(), "--target", "198.18.0.99", "--count", "3", "--interval",
                      "1ms", "--timeout", "50ms"});
  expect_error(r, 1, "target 198.18.0.99 did not answer any of 3 requests");
  EXPECT_EQ(r.first("summary")["lost"], 3);  // the summary still comes first
  expect_error(run_agent({"raw", "--netns", lab.ns_path_a(), "--ifname", lab.if_a(), "--target", "198.18.0.99"}), 1,
               "target 198.18.0.99 did not answer ARP on " + lab.if_a() + " (3 requests)");
}

TEST(AgentBadInput, MissingDeviceAndAddressExitThree) {
  LATLAB_REQUIRE_ROOT();
  LabOptions o;
  o.address_a = false;
  VethLab lab(o);
  ASSERT_EQ(lab.error(), "");
  expect_error(run_agent({"raw", "--netns", lab.ns_path_a(), "--ifname", "latlabtnone0", "--target", "198.18.0.2"}), 3,
               "device latlabtnone0 does not exist in this network namespace");
  expect_error(run_agent({"raw", "--netns", lab.ns_path_a(), "--ifname", lab.if_a(), "--target", "198.18.0.2"}), 3,
               "device " + lab.if_a() + " has no IPv4 address; pass --source ADDR");
}

TEST(AgentBadInput, MissingPrivilegesExitThree) {
  LATLAB_REQUIRE_ROOT();  // root is needed to drop to nobody
  AgentProcess p({"raw", "--ifname", "lo", "--target", "127.0.0.1", "--count", "1"}, "", 65534);
  expect_error(p.finish(5000), 3, "opening an AF_PACKET socket: Operation not permitted (EPERM); needs CAP_NET_RAW");
  AgentProcess ns({"icmp", "--netns", "/proc/1/ns/net", "--target", "127.0.0.1"}, "", 65534);
  auto r = ns.finish(5000);
  EXPECT_EQ(r.exit_code, 3) << r.stderr_text;
}

}  // namespace
}  // namespace latlab::test
