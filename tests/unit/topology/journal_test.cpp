#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "topology/engine.h"
#include "topology/journal.h"

namespace latlab::topology {
namespace {

TEST(TopologyJournal, RoundTripsThroughFile) {
  char tmpl[] = "/tmp/latlab-journal-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  FileStateStore store(tmpl);
  LabState s;
  s.lab = "demo";
  s.status = "up";
  s.nodes.push_back({"a", "netns", "latlab-demo-a"});
  s.namespaces.push_back({"a", "latlab-demo-a"});
  JLink l;
  l.node = "a";
  l.netns = "latlab-demo-a";
  l.name = "eth0";
  l.kind = "veth";
  l.mac = *scenario::MacAddr::parse("02:00:00:00:00:01");
  l.peer_node = "host";
  l.peer_name = "pa";
  l.peer_mac = *scenario::MacAddr::parse("02:00:00:00:00:02");
  s.links.push_back(l);
  s.phys.push_back({"a", "latlab-demo-a", "vx0", "eth1", 9000, true, {*scenario::Prefix::parse("198.18.5.1/24")}});
  s.sysctls.push_back({"host", "net.ipv4.ip_forward", "0", "1", false});
  scenario::Route r;
  r.to = scenario::Prefix::parse("198.19.0.0/16");
  r.via = scenario::IpAddr::parse("198.18.0.1");
  s.routes.push_back({"host", r});
  s.fw_rules.push_back({"host", "br0", 4});
  ASSERT_TRUE(store.write(s).ok());
  auto back = store.read("demo");
  ASSERT_TRUE(back.ok()) << back.error().message();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(to_json(**back), to_json(s));
  auto labs = store.labs();
  ASSERT_TRUE(labs.ok());
  EXPECT_EQ(*labs, std::vector<std::string>{"demo"});
  ASSERT_TRUE(store.remove("demo").ok());
  EXPECT_FALSE(store.read("demo")->has_value());
  std::filesystem::remove_all(tmpl);
}

TEST(TopologyJournal, LabNamesAreCheckedBeforeBecomingPaths) {
  EXPECT_TRUE(check_lab_name("demo-1.x").ok());
  EXPECT_FALSE(check_lab_name("../etc").ok());
  EXPECT_FALSE(check_lab_name("a/b").ok());
  EXPECT_FALSE(check_lab_name("").ok());
  EXPECT_FALSE(check_lab_name(".hidden").ok());
}

}  // namespace
}  // namespace latlab::topology
