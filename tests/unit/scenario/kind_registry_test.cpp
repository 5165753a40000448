// The kind registries agree across layers, and kinds stay in their own files:
// no source outside a kind's file chooses behaviour by comparing a kind name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "run/capture.h"
#include "run/kinds.h"
#include "scenario/kinds.h"
#include "topology/kinds.h"

namespace latlab {
namespace {

namespace fs = std::filesystem;

template <typename K>
bool has(const std::vector<K>& kinds, const std::string& name) {
  for (const auto& k : kinds)
    if (k.name == name) return true;
  return false;
}

TEST(KindRegistry, EveryImplementedNodeKindHasATopologySide) {
  for (const auto& k : scenario::node_kinds()) {
    EXPECT_EQ(has(topology::node_kinds(), k.name), k.implemented) << "node kind " << k.name;
  }
}

TEST(KindRegistry, EveryLinkAndQdiscKindHasATopologySide) {
  for (const auto& k : scenario::link_kinds()) EXPECT_TRUE(has(topology::link_kinds(), k.name)) << k.name;
  for (const auto& k : scenario::qdisc_kinds()) EXPECT_TRUE(has(topology::qdisc_kinds(), k.name)) << k.name;
  EXPECT_EQ(topology::link_kinds().size(), scenario::link_kinds().size());
  EXPECT_EQ(topology::qdisc_kinds().size(), scenario::qdisc_kinds().size());
}

TEST(KindRegistry, EveryProbeResponderAndCaptureKindHasARunSide) {
  for (const auto& k : scenario::probe_kinds()) EXPECT_TRUE(has(run::probe_kinds(), k.name)) << k.name;
  for (const auto& k : scenario::responder_kinds()) {
    ASSERT_TRUE(has(run::responder_kinds(), k.name)) << k.name;
    // A responder the scenario runs as an agent has agent arguments at run time.
    EXPECT_EQ(k.user_space(), (*run::responder_kind(k.name))->agent_args != nullptr) << k.name;
  }
  for (const auto& k : scenario::capture_kinds())
    EXPECT_NE(run::find_capture_kind(k.name), nullptr) << k.name;
}

TEST(KindRegistry, ProbesNameRespondersThatExist) {
  for (const auto& p : scenario::probe_kinds()) {
    EXPECT_NE(scenario::find_responder_kind(p.default_responder), nullptr) << p.name;
    for (const auto& r : p.responders)
      EXPECT_NE(scenario::find_responder_kind(r), nullptr) << p.name << " " << r;
  }
}

TEST(KindRegistry, UnknownKindsAreRefusedWithTheSupportedOnes) {
  scenario::Node n;
  n.name = "c";
  n.kind = "vm";
  auto r = topology::node_kind(n);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "node kind \"vm\" is not supported by the topology engine; supported kinds are host, netns, docker");
  EXPECT_EQ(scenario::implemented_node_kinds(), "host, netns, docker");
}

// A kind's own file: <family>_<kind>.cpp, or a layer's kinds.{h,cpp}.
bool is_kind_file(const fs::path& p) {
  static const std::regex own(R"((node|link|qdisc|probe|responder|capture)_[a-z_]+\.cpp|kinds\.(h|cpp))");
  return std::regex_match(p.filename().string(), own);
}

TEST(KindRegistry, NoKindNameIsComparedOutsideTheKindsOwnFiles) {
  // `kind == "veth"`, `probe != "udp"`, `path_kind == "peer"`, ...
  static const std::regex compare(R"(\b(kind|probe)\s*[!=]=\s*")");
  std::vector<std::string> found;
  size_t scanned = 0;
  for (const char* dir : {"orchestrator", "reports"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(LATLAB_SOURCE_DIR) / dir)) {
      const fs::path& p = entry.path();
      if (!entry.is_regular_file() || (p.extension() != ".cpp" && p.extension() != ".h") || is_kind_file(p))
        continue;
      ++scanned;
      std::ifstream in(p);
      std::string line;
      for (int no = 1; std::getline(in, line); ++no)
        if (std::regex_search(line, compare))
          found.push_back(fs::relative(p, LATLAB_SOURCE_DIR).string() + ":" + std::to_string(no) + ": " +
                          line);
    }
  }
  EXPECT_GT(scanned, 50u) << "the scan found no sources under " << LATLAB_SOURCE_DIR;
  std::ostringstream all;
  for (const auto& f : found) all << f << "\n";
  EXPECT_TRUE(found.empty()) << all.str();
}

}  // namespace
}  // namespace latlab
