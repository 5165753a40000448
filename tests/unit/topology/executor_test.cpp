// The executor against the recording fake: order, journal before create,
// undo in reverse on failure, ownership checks at teardown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/fake_netlink_ops.h"
#include "topology/engine.h"
#include "topology/executor.h"
#include "topology/teardown.h"

namespace latlab::topology {
namespace {

using scenario::IpAddr;
using scenario::MacAddr;
using scenario::Prefix;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A store that logs writes into the same event stream as the fake.
class LoggingStore final : public StateStore {
 public:
  explicit LoggingStore(std::vector<std::string>& log) : log_(log) {}
  Status write(const LabState& s) override {
    std::string line = "journal " + s.status;
    for (const auto& n : s.namespaces) line += " ns:" + n.name;
    for (const auto& l : s.links) line += " link:" + l.name;
    log_.push_back(line);
    last = s;
    return Ok{};
  }
  Result<std::optional<LabState>> read(const std::string& /*lab*/) override {
    return removed ? std::optional<LabState>() : std::optional<LabState>(last);
  }
  Status remove(const std::string& /*lab*/) override {
    log_.push_back("journal removed");
    removed = true;
    return Ok{};
  }
  Result<std::vector<std::string>> labs() override { return std::vector<std::string>{}; }
  LabState last;
  bool removed = false;

 private:
  std::vector<std::string>& log_;
};

scenario::Lab star_lab() {
  scenario::Lab lab;
  lab.name = "demo";
  scenario::Node host;
  host.name = "host";
  host.kind = "host";
  host.root_namespace = true;
  lab.nodes.push_back(host);
  for (const char* n : {"a", "b"}) {
    scenario::Node x;
    x.name = n;
    x.kind = "netns";
    x.netns_name = scenario::netns_name_for("demo", n);
    lab.nodes.push_back(x);
  }
  return lab;
}

Plan star_plan() {
  Plan p;
  p.lab = "demo";
  p.actions.push_back(CreateNetns{"a", "latlab-demo-a"});
  p.actions.push_back(CreateNetns{"b", "latlab-demo-b"});
  p.actions.push_back(SetSysctl{"a", "net.ipv4.icmp_ratelimit", "0", false});
  p.actions.push_back(SetSysctl{"host", "net.ipv4.ip_forward", "1", false});
  p.actions.push_back(CreateBridge{"host", "br0"});
  p.actions.push_back(CreateVeth{"a", "eth0", "host", "pa"});
  p.actions.push_back(CreateVeth{"b", "eth0", "host", "pb"});
  p.actions.push_back(SetMaster{"host", "pa", "br0"});
  p.actions.push_back(SetMaster{"host", "pb", "br0"});
  p.actions.push_back(BridgeNetfilterOff{"host", "br0"});
  p.actions.push_back(AddAddress{"a", "eth0", *Prefix::parse("198.18.0.2/24")});
  p.actions.push_back(AddAddress{"b", "eth0", *Prefix::parse("198.18.0.3/24")});
  p.actions.push_back(LinkUp{"a", "eth0"});
  p.actions.push_back(LinkUp{"b", "eth0"});
  return p;
}

struct TopologyExecutor : ::testing::Test {
  FakeNetlinkOps ops;
  LoggingStore store{ops.log};
  ApplyOptions opt;
  uint8_t next = 1;
  void SetUp() override {
    opt.mac_source = [this] {
      MacAddr m;
      m.bytes = {0x02, 0, 0, 0, 0, next++};
      return m;
    };
    opt.undo.settle_timeout = std::chrono::milliseconds(10);
    ops.spaces[""].sysctls["net.ipv4.ip_forward"] = "0";
  }
  size_t index_of(const std::string& prefix) const {
    auto it = std::find_if(ops.log.begin(), ops.log.end(),
                           [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    return it == ops.log.end() ? SIZE_MAX : static_cast<size_t>(it - ops.log.begin());
  }
};

TEST_F(TopologyExecutor, BuildsInPlanOrderAndMarksEveryInterface) {
  auto r = apply_plan(ops, store, star_lab(), star_plan(), opt);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, "up");
  EXPECT_LT(index_of("create_netns latlab-demo-a"), index_of("create_netns latlab-demo-b"));
  EXPECT_LT(index_of("create_netns latlab-demo-b"), index_of("create_bridge host:br0"));
  EXPECT_LT(index_of("create_veth latlab-demo-a:eth0 host:pa"), index_of("set_master host:pa br0"));
  EXPECT_LT(index_of("set_master host:pb br0"), index_of("add_address latlab-demo-a:eth0"));
  // every created interface carries the mark
  for (const auto& [ns, sp] : ops.spaces) {
    for (const auto& [name, l] : sp.links) {
      if (name == "lo" && ns.empty()) continue;
      EXPECT_EQ(l.state.alias, "latlab:demo") << ns << ":" << name;
    }
  }
  EXPECT_EQ(ops.spaces[""].sysctls["net.ipv4.ip_forward"], "1");
}

TEST_F(TopologyExecutor, JournalListsEveryObjectBeforeItIsCreated) {
  ASSERT_TRUE(apply_plan(ops, store, star_lab(), star_plan(), opt).ok());
  size_t journal = index_of("journal building");
  ASSERT_NE(journal, SIZE_MAX);
  const std::string& line = ops.log[journal];
  for (const char* obj : {"ns:latlab-demo-a", "ns:latlab-demo-b", "link:br0", "link:eth0"}) {
    EXPECT_THAT(line, HasSubstr(obj));
  }
  EXPECT_LT(journal, index_of("create_netns"));
  EXPECT_LT(journal, index_of("create_bridge"));
  EXPECT_LT(journal, index_of("write_sysctl host:net.ipv4.ip_forward"));
  // the old value of the host sysctl was read (and journalled) before the write
  EXPECT_LT(index_of("read_sysctl host:net.ipv4.ip_forward"), journal);
  ASSERT_EQ(store.last.sysctls.size(), 1u);
  EXPECT_EQ(store.last.sysctls[0].old_value, "0");
  EXPECT_EQ(ops.log.back().rfind("journal up", 0), 0u);
}

TEST_F(TopologyExecutor, FailureUndoesInReverseAndNamesObjectAndCause) {
  ops.fail["add_address latlab-demo-b:eth0"] = EEXIST;
  auto r = apply_plan(ops, store, star_lab(), star_plan(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(),
              HasSubstr("lab \"demo\": node \"b\": add_address latlab-demo-b:eth0 198.18.0.3/24"));
  EXPECT_THAT(r.error().message(), HasSubstr("File exists (EEXIST)"));
  // reverse: namespace b deleted before a, then the (now port-less) bridge,
  // host sysctl restored last
  size_t del_b = index_of("delete_netns latlab-demo-b"), del_a = index_of("delete_netns latlab-demo-a");
  size_t del_br = index_of("delete_link host:br0");
  size_t restore = index_of("write_sysctl host:net.ipv4.ip_forward=0");
  ASSERT_NE(del_b, SIZE_MAX);
  ASSERT_NE(del_a, SIZE_MAX);
  ASSERT_NE(del_br, SIZE_MAX);
  ASSERT_NE(restore, SIZE_MAX);
  EXPECT_LT(del_b, del_a);
  EXPECT_LT(del_a, del_br);
  EXPECT_LT(del_br, restore);
  EXPECT_EQ(ops.spaces[""].sysctls["net.ipv4.ip_forward"], "0");
  EXPECT_EQ(ops.spaces.size(), 1u);  // only the host namespace is left
  EXPECT_FALSE(ops.has_link("", "br0"));
  EXPECT_FALSE(ops.has_link("", "pa"));
  EXPECT_EQ(ops.log.back(), "journal removed");
}

TEST_F(TopologyExecutor, FailureBeforeAnythingExistsCreatesNothing) {
  ops.fail["create_netns latlab-demo-a"] = EPERM;
  auto r = apply_plan(ops, store, star_lab(), star_plan(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("Operation not permitted (EPERM)"));
  EXPECT_EQ(index_of("delete_"), SIZE_MAX);
}

TEST_F(TopologyExecutor, TeardownRefusesUnmarkedSameNameInterface) {
  ASSERT_TRUE(apply_plan(ops, store, star_lab(), star_plan(), opt).ok());
  // Someone replaced our bridge by their own with the same name.
  ops.spaces[""].links["br0"].state.alias = "";
  ops.spaces[""].links["br0"].state.mac = *MacAddr::parse("02:aa:bb:cc:dd:ee");
  TeardownReport rep = teardown(ops, store.last, opt.undo);
  EXPECT_TRUE(rep.ok());
  EXPECT_TRUE(ops.has_link("", "br0"));
  ASSERT_EQ(rep.left.size(), 1u);
  EXPECT_THAT(rep.left[0], HasSubstr("interface \"br0\" has lab \"demo\"'s name but not its mark"));
  EXPECT_EQ(index_of("delete_link host:br0"), SIZE_MAX);
  EXPECT_EQ(ops.spaces.size(), 1u);
}

TEST_F(TopologyExecutor, UnmarkedButJournalledMacIsOurs) {
  // A crash between create and mark: the journalled MAC proves it ours.
  ops.fail["set_alias host:br0"] = EINTR;
  auto r = apply_plan(ops, store, star_lab(), star_plan(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(ops.has_link("", "br0"));
}

TEST_F(TopologyExecutor, HostBridgeGetsAMarkedForwardRuleWhereHostWideNetfilterIsOn) {
  ops.spaces[""].sysctls["net.bridge.bridge-nf-call-iptables"] = "1";
  auto r = apply_plan(ops, store, star_lab(), star_plan(), opt);
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->fw_rules.size(), 1u);
  EXPECT_EQ(r->fw_rules[0].family, 4);
  EXPECT_LT(index_of("set_bridge_netfilter host:br0 off"),
            index_of("add_bridge_accept_rule 4 br0 latlab:demo"));
  ASSERT_EQ(ops.fw_rules.size(), 1u);
  TeardownReport rep = teardown(ops, *r, opt.undo);
  EXPECT_TRUE(rep.ok());
  EXPECT_TRUE(ops.fw_rules.empty());
}

TEST_F(TopologyExecutor, ForwardRuleIsUndoneWhenALaterActionFails) {
  ops.spaces[""].sysctls["net.bridge.bridge-nf-call-iptables"] = "1";
  ops.fail["set_up latlab-demo-b:eth0"] = EIO;
  ASSERT_FALSE(apply_plan(ops, store, star_lab(), star_plan(), opt).ok());
  EXPECT_TRUE(ops.fw_rules.empty());
  EXPECT_NE(index_of("delete_bridge_accept_rule 4 br0 latlab:demo"), SIZE_MAX);
}

TEST(TopologyNodeKinds, UnknownKindListsSupportedOnes) {
  FakeNetlinkOps ops;
  std::vector<std::string> log;
  LoggingStore store(log);
  scenario::Lab lab = star_lab();
  lab.nodes[1].kind = "vm";
  auto r = apply_plan(ops, store, lab, star_plan());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(),
              HasSubstr("node kind \"vm\" is not supported by the topology engine; supported kinds are host, "
                        "netns, docker"));
  EXPECT_TRUE(log.empty());
}

}  // namespace
}  // namespace latlab::topology
