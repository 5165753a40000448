// The recording fake behaves as the real runtime does where callers can tell:
// the log, taken names, foreign labels, addresses, injected failures.
#include "support/fake_container_runtime.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace latlab::docker {
namespace {

ContainerSpec spec(const std::string& name, const std::string& lab, const std::string& network = "bridge") {
  ContainerSpec s;
  s.name = name;
  s.image = "latlab-agent:0.1.0";
  s.network = network;
  s.labels = {{label_lab, lab}};
  s.entrypoint = {"/latlab-agent", "hold"};
  return s;
}

TEST(FakeContainerRuntime, LogsCallsAndModelsTheEngine) {
  FakeContainerRuntime rt;
  rt.images["latlab-agent:0.1.0"] = {{label_image, "agent"}};
  ASSERT_TRUE(rt.create_container(spec("latlab-demo-c1", "demo")));
  auto again = rt.create_container(spec("latlab-demo-c1", "demo"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().sys_errno(), EEXIST);
  ASSERT_TRUE(rt.start_container("latlab-demo-c1"));
  auto info = rt.inspect_container("latlab-demo-c1");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->running);
  EXPECT_EQ(info->pid, ::getpid());
  EXPECT_EQ(info->ipv4.at("bridge"), "172.17.0.2");
  EXPECT_EQ(rt.log, (std::vector<std::string>{
                        "create_container latlab-demo-c1 image=latlab-agent:0.1.0 network=bridge",
                        "create_container latlab-demo-c1 image=latlab-agent:0.1.0 network=bridge",
                        "start_container latlab-demo-c1",
                        "inspect_container latlab-demo-c1",
                    }));
}

TEST(FakeContainerRuntime, RemoveRefusesForeignLabels) {
  FakeContainerRuntime rt;
  rt.images["latlab-agent:0.1.0"] = {};
  ASSERT_TRUE(rt.create_container(spec("latlab-demo-c1", "other")));
  auto removed = rt.remove_container("latlab-demo-c1", "demo");
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().sys_errno(), EPERM);
  EXPECT_EQ(removed.error().message(),
            "docker: remove container \"latlab-demo-c1\": refused: it belongs to lab \"other\", not \"demo\"");
  EXPECT_EQ(rt.containers.count("latlab-demo-c1"), 1u);
  EXPECT_TRUE(rt.remove_container("latlab-demo-c1", "other"));
  EXPECT_EQ(rt.remove_container("latlab-demo-c1", "other").error().sys_errno(), ENOENT);
}

TEST(FakeContainerRuntime, NetworksAddressesAndFilters) {
  FakeContainerRuntime rt;
  rt.images["latlab-agent:0.1.0"] = {};
  ASSERT_TRUE(rt.create_network({"latlab-demo-l1", "198.18.7.0/24", "", {{label_lab, "demo"}}, ""}));
  auto c = spec("latlab-demo-c1", "demo", "latlab-demo-l1");
  c.ipv4 = "198.18.7.9";
  ASSERT_TRUE(rt.create_container(c));
  ASSERT_TRUE(rt.create_container(spec("latlab-demo-c2", "demo", "latlab-demo-l1")));
  ASSERT_TRUE(rt.start_container("latlab-demo-c1"));
  ASSERT_TRUE(rt.start_container("latlab-demo-c2"));
  EXPECT_EQ(rt.inspect_container("latlab-demo-c1")->ipv4.at("latlab-demo-l1"), "198.18.7.9");
  EXPECT_EQ(rt.inspect_container("latlab-demo-c2")->ipv4.at("latlab-demo-l1"), "198.18.7.2");
  EXPECT_EQ(rt.list_containers("latlab.lab=demo")->size(), 2u);
  EXPECT_EQ(rt.list_containers("latlab.lab=x")->size(), 0u);
  EXPECT_EQ(rt.list_networks("latlab.lab")->size(), 1u);
  EXPECT_EQ(rt.remove_network("latlab-demo-l1", "demo").error().sys_errno(), EACCES);  // in use
}

TEST(FakeContainerRuntime, FailsTheNthCallAndExecs) {
  FakeContainerRuntime rt;
  rt.images["latlab-agent:0.1.0"] = {};
  rt.fail["start_container"] = {2, EIO};
  ASSERT_TRUE(rt.create_container(spec("a", "demo")));
  ASSERT_TRUE(rt.create_container(spec("b", "demo")));
  EXPECT_TRUE(rt.start_container("a"));
  auto second = rt.start_container("b");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message(), "fake: start_container failed (call 2)");
  EXPECT_EQ(rt.calls("start_container"), 2);
  auto child = rt.exec("a", ExecSpec{{"/latlab-agent", "version"}});
  ASSERT_FALSE(child);
  EXPECT_EQ(child.error().message(), "fake: exec not supported");
  EXPECT_EQ(rt.log.back(), "exec a /latlab-agent version");
  rt.engine_up = false;
  EXPECT_EQ(rt.ping().error().sys_errno(), ECONNREFUSED);
}

}  // namespace
}  // namespace latlab::docker
