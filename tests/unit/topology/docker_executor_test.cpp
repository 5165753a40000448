// Docker nodes and docker-network links through the lab engine, against the
// recording fakes of netlink and of the container engine: what is asked of
// Docker and in which order, the journal, the undo of a failed `up`,
// teardown and cleanup by label only, and refusal before anything is touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "scenario/load.h"
#include "support/fake_container_runtime.h"
#include "support/fake_netlink_ops.h"
#include "topology/engine.h"
#include "topology/executor.h"
#include "topology/plan.h"

namespace latlab::topology {
namespace {

using docker::FakeContainerRuntime;
using ::testing::HasSubstr;

const char* kLab = R"json({"latlab": 1, "name": "dk",
  "nodes": {"host": {"kind": "host"},
            "d1": {"kind": "docker"}, "d2": {"kind": "docker"},
            "u1": {"kind": "docker", "network": "dn"}},
  "links": [{"kind": "docker-network", "name": "dn", "subnet": "198.18.9.0/24", "forward": true},
            {"kind": "veth", "endpoints": ["d1:eth1", "d2:eth1"]}],
  "experiments": [{"name": "e", "probe": "icmp", "from": "d1", "to": "d2:eth1"}]})json";

class DockerEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/latlab-dockertest-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    auto r = scenario::load_scenario_text(kLab, "x.json");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
    lab = *r.lab;
    plan = make_plan(lab);
    opt.runtime = &docker;
    opt.agent_path = "/proc/self/exe";  // any readable file: the fake copies nothing
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  size_t index_of(const std::vector<std::string>& log, const std::string& prefix) const {
    for (size_t i = 0; i < log.size(); ++i)
      if (log[i].rfind(prefix, 0) == 0) return i;
    return SIZE_MAX;
  }

  std::string dir;
  scenario::Lab lab;
  Plan plan;
  FakeNetlinkOps ops;
  FakeContainerRuntime docker;
  ApplyOptions opt;
};

TEST_F(DockerEngineTest, UpBuildsTheImageNetworkAndContainersThenLinksTheirNamespaces) {
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  auto st = engine.up(lab, plan, opt);
  ASSERT_TRUE(st.ok()) << st.error().message();
  // The agent image first (built: the engine has none), then the network, then each container.
  size_t build = index_of(docker.log, "build_agent_image " + agent_image_ref());
  size_t net = index_of(docker.log, "create_network latlab-dk-dn");
  size_t c1 = index_of(docker.log, "create_container latlab-dk-d1");
  ASSERT_NE(build, SIZE_MAX);
  ASSERT_NE(net, SIZE_MAX);
  ASSERT_NE(c1, SIZE_MAX);
  EXPECT_LT(build, net);
  EXPECT_LT(net, c1);
  ASSERT_EQ(docker.containers.count("latlab-dk-d1"), 1u);
  const auto& spec = docker.containers.at("latlab-dk-d1").spec;
  EXPECT_EQ(spec.labels.at("latlab.lab"), "dk");
  EXPECT_EQ(spec.labels.at("latlab.node"), "d1");
  EXPECT_EQ(spec.network, "bridge");
  EXPECT_EQ(spec.entrypoint, (std::vector<std::string>{"/latlab-agent", "hold"}));
  EXPECT_EQ(docker.containers.at("latlab-dk-u1").spec.ipv4, "198.18.9.2");
  EXPECT_EQ(docker.networks.at("latlab-dk-dn").spec.gateway, "198.18.9.1");
  EXPECT_TRUE(docker.containers.at("latlab-dk-d1").files.empty());  // latlab's image holds the agent
  // The namespace is linked and marked; the lab veth goes into it.
  EXPECT_NE(std::find(ops.log.begin(), ops.log.end(),
                      "link_netns latlab-dk-d1 /proc/" + std::to_string(::getpid()) + "/ns/net"),
            ops.log.end());
  EXPECT_EQ(ops.netns_mark("latlab-dk-d1").value(), "latlab:dk");
  // The journal records each container with its PID and docker0 address.
  ASSERT_EQ(st->containers.size(), 3u);
  EXPECT_EQ(st->containers[0].name, "latlab-dk-d1");
  EXPECT_GT(st->containers[0].pid, 0);
  EXPECT_EQ(st->containers[0].ipv4.rfind("172.17.0.", 0), 0u);
  ASSERT_EQ(st->docker_networks.size(), 1u);
  // forward: one DOCKER-USER rule per direction.
  int docker_user = 0;
  for (const auto& r : ops.fw_rules) docker_user += r.chain == "DOCKER-USER";
  EXPECT_EQ(docker_user, 2);
}

TEST_F(DockerEngineTest, DownRemovesContainersThenNetworksAndEachRule) {
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  ASSERT_TRUE(engine.up(lab, plan, opt).ok());
  auto rep = engine.down("dk");
  ASSERT_TRUE(rep.ok()) << rep.error().message();
  EXPECT_TRUE(rep->ok());
  EXPECT_TRUE(docker.containers.empty());
  EXPECT_TRUE(docker.networks.empty());
  EXPECT_TRUE(ops.fw_rules.empty());
  EXPECT_LT(index_of(docker.log, "remove_container latlab-dk-u1"), index_of(docker.log, "remove_network latlab-dk-dn"));
  auto lines = summary_lines(*rep);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("3 containers, 1 Docker network"));
}

TEST_F(DockerEngineTest, NoEngineFailsBeforeAnythingIsTouched) {
  docker.engine_up = false;
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  auto st = engine.up(lab, plan, opt);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().exit_code(), ExitCode::environment);
  EXPECT_THAT(st.error().message(), HasSubstr("node kind \"netns\" builds the same namespaces without one"));
  EXPECT_TRUE(ops.log.empty());
  EXPECT_FALSE(store.read("dk").value().has_value());
}

TEST_F(DockerEngineTest, AMissingForeignImageNamesHowToGetIt) {
  auto r = scenario::load_scenario_text(
      R"json({"latlab": 1, "name": "dk", "nodes": {"c": {"kind": "docker", "image": "debian:12"}}})json", "x.json");
  ASSERT_TRUE(r.ok());
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  auto st = engine.up(*r.lab, make_plan(*r.lab), opt);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.error().message(), HasSubstr("image \"debian:12\" is not on this machine (latlab never pulls"));
  EXPECT_EQ(docker.calls("create_container"), 0);
}

TEST_F(DockerEngineTest, AForeignImageGetsTheAgentCopiedIn) {
  docker.images["debian:12"] = {};
  auto r = scenario::load_scenario_text(
      R"json({"latlab": 1, "name": "dk", "nodes": {"c": {"kind": "docker", "image": "debian:12"}}})json", "x.json");
  ASSERT_TRUE(r.ok());
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  ASSERT_TRUE(engine.up(*r.lab, make_plan(*r.lab), opt).ok());
  EXPECT_EQ(docker.containers.at("latlab-dk-c").files.count("/latlab-agent"), 1u);
  EXPECT_EQ(docker.calls("build_agent_image"), 0);
}

TEST_F(DockerEngineTest, AFailedStartUndoesTheContainersAndTheNetwork) {
  docker.fail["start_container"] = {2, EIO};
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  auto st = engine.up(lab, plan, opt);
  ASSERT_FALSE(st.ok());
  // Containers start several at once: which one got the failing call varies.
  EXPECT_THAT(st.error().message(), ::testing::MatchesRegex("lab \"dk\": node \"(d1|d2|u1)\": .*"));
  EXPECT_TRUE(docker.containers.empty());
  EXPECT_TRUE(docker.networks.empty());
  EXPECT_TRUE(ops.fw_rules.empty());
  EXPECT_FALSE(store.read("dk").value().has_value());
}

TEST_F(DockerEngineTest, TeardownLeavesADecoyThatIsNotLabelledOurs) {
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  ASSERT_TRUE(engine.up(lab, plan, opt).ok());
  // Someone replaced d2 with a container of their own under the same name.
  docker.containers.at("latlab-dk-d2").spec.labels = {{"owner", "someone"}};
  auto rep = engine.down("dk");
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(docker.containers.count("latlab-dk-d2"), 1u);
  EXPECT_EQ(docker.containers.count("latlab-dk-d1"), 0u);
  ASSERT_FALSE(rep->left.empty());
  EXPECT_THAT(rep->left[0], HasSubstr("container \"latlab-dk-d2\" has lab \"dk\"'s name but not its label"));
}

TEST_F(DockerEngineTest, CleanupRemovesLabelledOrphansOnly) {
  // A crash lost the journal: the containers and the network stay labelled.
  {
    FileStateStore store(dir);
    Engine engine(ops, store, &docker);
    ASSERT_TRUE(engine.up(lab, plan, opt).ok());
    ASSERT_TRUE(store.remove("dk").ok());
  }
  docker::ContainerSpec decoy;
  decoy.name = "latlab-dk-decoy";
  decoy.image = agent_image_ref();
  decoy.labels = {{"latlab.lab.not", "dk"}};
  ASSERT_TRUE(docker.create_container(decoy).ok());
  FileStateStore store(dir);
  Engine engine(ops, store, &docker);
  auto rep = engine.cleanup(std::string("dk"));
  ASSERT_TRUE(rep.ok()) << rep.error().message();
  EXPECT_TRUE(rep->ok()) << rep->errors[0].message();
  EXPECT_EQ(docker.containers.size(), 1u);
  EXPECT_EQ(docker.containers.count("latlab-dk-decoy"), 1u);
  EXPECT_TRUE(docker.networks.empty());
}

TEST_F(DockerEngineTest, PlanSaysWhatDockerIsAsked) {
  std::string all;
  for (const auto& a : plan.actions) all += describe(a) + "\n";
  EXPECT_THAT(all, HasSubstr("docker: build image " + agent_image_ref()));
  EXPECT_THAT(all, HasSubstr("docker: create network latlab-dk-dn (198.18.9.0/24, bridge lld"));
  EXPECT_THAT(all, HasSubstr("docker: create container latlab-dk-u1 from " + agent_image_ref() +
                                 " on network latlab-dk-dn address 198.18.9.2"));
  EXPECT_THAT(all, HasSubstr("create veth d1:eth1 <-> d2:eth1"));
  // One image check for every node that uses it.
  EXPECT_EQ(std::count_if(plan.actions.begin(), plan.actions.end(),
                          [](const Action& a) { return std::holds_alternative<EnsureImage>(a); }),
            1);
}

}  // namespace
}  // namespace latlab::topology
