// What the controller hands a host and keeps of it, without a host: the
// part request round-trips (an inventory's hosts included), the journal
// keeps the hosts and their nodes, the lab's other hosts are the ones with
// nodes, and what is left on a host that did not answer is named.
#include <gtest/gtest.h>

#include "remote/fleet.h"
#include "scenario/load.h"

namespace latlab::remote {
namespace {

constexpr const char* kLab = R"({"latlab": 1, "name": "mhu",
 "hosts": {"h1": {"address": "198.18.200.2", "user": "root", "identity": "/k/id"},
           "h2": {"address": "198.18.200.6", "port": 2222}, "h3": {"address": "198.18.200.10"}},
 "nodes": {"ha": {"kind": "host", "host": "h1"}, "hb": {"kind": "netns", "host": "h2"}, "c": {"kind": "netns"}},
 "links": [{"kind": "vxlan", "endpoints": [{"at": "ha:lvx0", "underlay": "eth0", "local": "198.18.201.1"},
                                           {"at": "hb:lvx0", "underlay": "eth0", "local": "198.18.201.2"}]}]})";

TEST(Fleet, TheLabsOtherHostsAreThoseWithNodes) {
  auto r = scenario::load_scenario_text(kLab, "mhu.json");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].str());
  auto hosts = remote_hosts(*r.lab);
  ASSERT_EQ(hosts.size(), 2u) << "h3 has no node";
  EXPECT_EQ(hosts[0].name, "h1");
  EXPECT_EQ(hosts[0].identity, "/k/id");
  EXPECT_EQ(hosts[1].port, 2222);
  auto d = destination_of(hosts[0]);
  EXPECT_EQ(describe(d), "host \"h1\" (root@198.18.200.2:22)");
}

TEST(Fleet, APartRequestCarriesTheScenarioAndItsHosts) {
  // An inventory replaced h2's destination: the host must parse the same lab.
  std::vector<scenario::Host> inventory(1);
  inventory[0].name = "h2";
  inventory[0].address = "198.18.200.7";
  inventory[0].user = "lab";
  auto r = scenario::load_scenario_text(kLab, "mhu.json", inventory);
  ASSERT_TRUE(r.ok());
  const std::string payload = part_payload("/srv/mhu.json", r.text, *r.lab);
  EXPECT_EQ(payload.find('\n'), std::string::npos) << "one line: part-up reads up to its newline";
  ASSERT_NE(std::string(kLab).find('\n'), std::string::npos) << "the scenario's own newlines are escaped in it";
  auto req = parse_part_payload(payload);
  ASSERT_TRUE(req.ok()) << req.error().message();
  EXPECT_EQ(req->scenario_file, "/srv/mhu.json");
  EXPECT_EQ(req->scenario_text, kLab);
  auto again = scenario::load_scenario_text(req->scenario_text, req->scenario_file, req->hosts);
  ASSERT_TRUE(again.ok());
  ASSERT_NE(again.lab->find_host("h2"), nullptr);
  EXPECT_EQ(again.lab->find_host("h2")->address, "198.18.200.7");
  EXPECT_EQ(again.lab->find_host("h2")->user, "lab");
  auto bad = parse_part_payload("{\"scenario\": 1}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit_code(), ExitCode::bad_input);
}

TEST(Fleet, TheJournalKeepsTheHostsAndTheirNodes) {
  topology::LabState s;
  s.lab = "mhu";
  s.status = "up";
  s.hosts.push_back({"h2", "198.18.200.6", "root", 2222, "/k/id", "admin@gw", {{"hb", "netns", "latlab-mhu-hb"}}, "{}"});
  s.part = "";
  auto back = topology::lab_state_from_json(topology::to_json(s));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->hosts.size(), 1u);
  const auto& h = back->hosts[0];
  EXPECT_EQ(h.port, 2222);
  EXPECT_EQ(h.jump, "admin@gw");
  ASSERT_EQ(h.nodes.size(), 1u);
  EXPECT_EQ(h.nodes[0].netns, "latlab-mhu-hb");
  EXPECT_EQ(left_on_host(h, "mhu"),
            "left there: nodes hb (namespace latlab-mhu-hb); when it answers, run `latlab cleanup mhu` here (or on "
            "the host itself)");
  topology::LabState part;
  part.lab = "mhu";
  part.status = "up";
  part.part = "h2";
  EXPECT_EQ(topology::lab_state_from_json(topology::to_json(part))->part, "h2");
}

}  // namespace
}  // namespace latlab::remote
