// Capture "tcpdump" on real namespaces with the real agent: every request and
// reply of a 5-request ping is seen on both ends of a veth pair and the wire
// times fall inside the agent's own send/receive times; pinging the node's own
// address shows up on lo, not on eth0 (seed 003); a raw pinger with
// PACKET_QDISC_BYPASS is invisible to tcpdump on the sender (seed 001).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "run/capture.h"
#include "run/pcap_tcpdump.h"
#include "run_test_lab.h"
#include "store/store.h"
#include "support/privileged.h"

namespace fs = std::filesystem;
using namespace latlab;
using namespace std::chrono_literals;
using namespace latlab::test;
using nlohmann::json;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "latlab-tcpdump-XXXXXX").string();
    if (mkdtemp(t.data())) path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Outcome {
  std::map<std::string, json> summary;  // interface -> summary_json
  std::map<std::string, std::string> status;
  std::vector<store::SampleRecord> samples;
  std::string error;
};

Outcome failed(std::string why) {
  Outcome o;
  o.error = std::move(why);
  return o;
}

class TcpdumpIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    LATLAB_REQUIRE_ROOT();
    ASSERT_TRUE(process::find_in_path("tcpdump")) << "tcpdump is not installed (Debian package tcpdump)";
    agent_ = std::string(LATLAB_BIN_DIR) + "/latlab-agent";
    ASSERT_EQ(::access(agent_.c_str(), X_OK), 0) << agent_ << " is missing: build latlab-agent first";
    ASSERT_FALSE(dir_.path().empty());
    ASSERT_TRUE(net_.ok()) << "could not create namespaces " << net_.a() << " / " << net_.b();
    lab_.name = "tcpdumpt";
    for (auto [name, ns] : {std::pair{"a", net_.a()}, std::pair{"b", net_.b()}}) {
      scenario::Node n;
      n.name = name;
      n.kind = "netns";
      n.netns_name = ns;
      lab_.nodes.push_back(n);
    }
  }

  // Runs capture start -> agent probe (in node a) -> stop -> ingest, with the
  // agent's samples in a real store.
  Outcome run_experiment(const scenario::Experiment& e, const std::vector<std::string>& agent_args,
                         const std::vector<std::string>& responder_args = {}) {
    Outcome out;
    auto db = store::SqliteStore::open(dir_.path() + "/latlab.db");
    if (!db.ok()) return failed(db.error().message());
    store::RunRecord rr;
    rr.scenario_name = "tcpdump-test";
    rr.started_ns = run::realtime_ns();
    auto run_id = (*db)->begin_run(rr);
    store::ExperimentRecord er;
    er.run_id = run_id.ok() ? *run_id : 0;
    er.name = e.name;
    er.probe = e.probe;
    auto exp_id = (*db)->begin_experiment(er);
    if (!exp_id.ok()) return failed(exp_id.error().message());
    const std::string exp_dir = dir_.path() + "/" + e.name;
    fs::create_directory(exp_dir);
    fs::permissions(exp_dir, fs::perms::owner_all);

    process::RealLauncher launcher;
    run::ExperimentContext ctx;
    ctx.lab = &lab_;
    ctx.exp = &e;
    ctx.experiment_id = *exp_id;
    ctx.dir = exp_dir;
    ctx.store = db->get();
    ctx.launcher = &launcher;
    ctx.start_mono_ns = run::monotonic_ns();
    auto cap = run::make_tcpdump_capture(e.captures.at(0));
    auto st = cap->start(ctx);
    if (!st.ok()) return failed("start: " + st.error().message());

    std::unique_ptr<process::Child> responder;
    if (!responder_args.empty()) {
      process::SpawnSpec rs;
      rs.argv = {agent_};
      rs.argv.insert(rs.argv.end(), responder_args.begin(), responder_args.end());
      rs.netns_path = "/run/netns/" + net_.b();
      rs.capture_stdout = true;
      auto r = launcher.spawn(rs);
      if (!r.ok()) return failed("responder: " + r.error().message());
      responder = std::move(*r);
      auto header = responder->read_line(5s);  // printed once it serves
      if (!header.ok() || !*header) return failed("responder did not start: " + responder->stderr_text());
    }

    process::SpawnSpec ps;
    ps.argv = {agent_};
    ps.argv.insert(ps.argv.end(), agent_args.begin(), agent_args.end());
    ps.netns_path = "/run/netns/" + net_.a();
    ps.capture_stdout = true;
    auto probe = launcher.spawn(ps);
    if (!probe.ok()) return failed("agent: " + probe.error().message());
    auto sink = (*db)->samples(*exp_id);
    if (!sink.ok()) return failed(sink.error().message());
    while (true) {
      auto line = (*probe)->read_line(10s);
      if (!line.ok()) return failed("agent: " + line.error().message());
      if (!*line) break;
      json j = json::parse(**line, nullptr, false);
      if (!j.is_object()) continue;
      const std::string type = j.value("type", "");
      if (type == "header") {
        ctx.probe_header_json = **line;
        ctx.clock_offset_start_ns = j["clock"]["realtime_minus_monotonic_ns"].get<int64_t>();
      } else if (type == "sample") {
        store::SampleRecord s;
        s.seq = j["seq"].get<int64_t>();
        if (j["t_send_user_ns"].is_number()) s.t_send_user = j["t_send_user_ns"].get<int64_t>();
        if (j["t_recv_user_ns"].is_number()) s.t_recv_user = j["t_recv_user_ns"].get<int64_t>();
        if (!(*sink)->add(s).ok()) return failed("store sample");
      } else if (type == "summary") {
        ctx.samples_expected = j.value("sent", uint64_t{0});
        if (j.contains("clock_end"))
          ctx.clock_offset_end_ns = j["clock_end"]["realtime_minus_monotonic_ns"].get<int64_t>();
      } else if (type == "error") {
        out.error = "agent error: " + **line;
      }
    }
    auto rc = (*probe)->wait(10s);
    if (!rc.ok() || *rc != 0)
      return failed("agent exit " + std::to_string(rc.ok() ? *rc : -1) + ": " + (*probe)->stderr_text() +
                    out.error);
    if (!(*sink)->flush().ok()) return failed("flush");
    ctx.end_mono_ns = run::monotonic_ns();
    if (responder) {
      responder->signal(SIGTERM);
      (void)responder->wait(5s);
    }

    st = cap->stop(ctx);
    if (!st.ok()) return failed("stop: " + st.error().message());
    st = cap->ingest(ctx);
    if (!st.ok()) return failed("ingest: " + st.error().message());
    auto caps = (*db)->captures(*exp_id);
    if (!caps.ok()) return failed(caps.error().message());
    for (const auto& c : *caps) {
      out.summary[c.interface] = json::parse(c.summary_json);
      out.status[c.interface] = c.status + (c.error.empty() ? "" : ": " + c.error);
      struct stat sb {};
      if (::stat(c.file.c_str(), &sb) != 0 || (sb.st_mode & 0777) != 0600)
        out.error = c.file + " is not a 0600 file";
    }
    (void)(*db)->for_each_sample(*exp_id, [&](const store::SampleRecord& s) { out.samples.push_back(s); });
    return out;
  }

  scenario::Experiment experiment(const std::string& name, const std::string& probe,
                                  const std::string& target, const std::string& egress,
                                  std::vector<std::string> interfaces) {
    scenario::Experiment e;
    e.name = name;
    e.probe = probe;
    e.from_node = "a";
    e.egress = egress;
    e.target = *scenario::IpAddr::parse(target);
    e.family = 4;
    scenario::CaptureSpec c;
    c.kind = "tcpdump";
    c.interfaces = std::move(interfaces);
    e.captures.push_back(c);
    return e;
  }

  std::string agent_;
  TempDir dir_;
  VethPair net_{random_tag()};
  scenario::Lab lab_;
};

TEST_F(TcpdumpIntegration, PeerPingIsSeenOnBothEndsWithWireTimesInsideTheAgentTimes) {
  auto e = experiment("peer", "icmp", "198.18.0.2", "a:eth0", {"b:eth0", "a:eth0"});
  Outcome o = run_experiment(
      e, {"icmp", "--target", "198.18.0.2", "--count", "5", "--warmup", "0", "--interval", "20ms"});
  ASSERT_EQ(o.error, "");
  ASSERT_EQ(o.summary.size(), 2u);
  for (const char* iface : {"a:eth0", "b:eth0"}) {
    const json& s = o.summary[iface];
    EXPECT_EQ(o.status[iface], "ok");
    EXPECT_EQ(s["requests_seen"], 5) << iface << " " << s.dump();
    EXPECT_EQ(s["replies_seen"], 5) << iface << " " << s.dump();
    EXPECT_EQ(s["requests_expected"], 5);
    EXPECT_EQ(s["foreign_frames"], 0);
    EXPECT_EQ(s["coverage"], 1.0);
    EXPECT_EQ(s["timestamp_type"], "host");
    EXPECT_EQ(s["tcpdump"]["captured"], 10);
    EXPECT_EQ(s["match"]["cookie_source"], "learned");
  }
  // a:eth0 is the egress: it provides every wire time.
  EXPECT_EQ(o.summary["a:eth0"]["rank"], 0);
  EXPECT_EQ(o.summary["a:eth0"]["wire_send_from"], 5);
  EXPECT_EQ(o.summary["b:eth0"]["wire_send_from"], 0);
  ASSERT_EQ(o.samples.size(), 5u);
  // Mapped to CLOCK_MONOTONIC: inside [user send, user receive], with 50 us
  // of slack for the offset measurement.
  const int64_t slack = 50'000;
  for (const auto& s : o.samples) {
    ASSERT_TRUE(s.wire_send && s.wire_recv && s.t_send_user && s.t_recv_user) << "seq " << s.seq;
    EXPECT_GE(*s.wire_send, *s.t_send_user - slack) << "seq " << s.seq;
    EXPECT_LT(*s.wire_send, *s.wire_recv) << "seq " << s.seq;
    EXPECT_LE(*s.wire_recv, *s.t_recv_user + slack) << "seq " << s.seq;
  }
}

TEST_F(TcpdumpIntegration, OwnAddressGoesThroughLoNotEth0) {
  // Seed 003: node a pings its own eth0 address.
  auto e = experiment("self", "icmp", "198.18.0.1", "a:lo", {"a:eth0", "a:lo"});
  Outcome o = run_experiment(
      e, {"icmp", "--target", "198.18.0.1", "--count", "5", "--warmup", "0", "--interval", "20ms"});
  ASSERT_EQ(o.error, "");
  EXPECT_EQ(o.summary["a:lo"]["requests_seen"], 5) << o.summary["a:lo"].dump();
  EXPECT_EQ(o.summary["a:lo"]["replies_seen"], 5);
  EXPECT_EQ(o.summary["a:lo"]["rank"], 0);
  EXPECT_EQ(o.summary["a:eth0"]["requests_seen"], 0) << o.summary["a:eth0"].dump();
  EXPECT_EQ(o.summary["a:eth0"]["replies_seen"], 0);
  EXPECT_EQ(o.summary["a:eth0"]["frames"], 0);
  EXPECT_EQ(o.summary["a:eth0"]["coverage"], 0.0);
}

TEST_F(TcpdumpIntegration, QdiscBypassHidesTheRawPingersRequestsFromTheSendersCapture) {
  // Seed 001: the raw pinger with PACKET_QDISC_BYPASS against b's kernel.
  for (const char* bypass : {"on", "off"}) {
    auto e = experiment(std::string("raw-") + bypass, "raw", "198.18.0.2", "a:eth0", {"a:eth0", "b:eth0"});
    Outcome o = run_experiment(e, {"raw", "--ifname", "eth0", "--qdisc-bypass", bypass, "--target",
                                   "198.18.0.2", "--count", "5", "--warmup", "0", "--interval", "20ms"});
    ASSERT_EQ(o.error, "") << bypass;
    const json& a = o.summary["a:eth0"];
    const json& b = o.summary["b:eth0"];
    EXPECT_EQ(a["requests_seen"], std::string(bypass) == "on" ? 0 : 5) << bypass << " " << a.dump();
    EXPECT_EQ(a["replies_seen"], 5) << bypass << " " << a.dump();
    EXPECT_EQ(b["requests_seen"], 5) << bypass << " " << b.dump();
    EXPECT_EQ(b["replies_seen"], 5) << bypass << " " << b.dump();
    ASSERT_EQ(o.samples.size(), 5u);
    // With bypass the request's wire time comes from b:eth0 (the next-ranked
    // interface that saw it); the reply's from a:eth0.
    EXPECT_EQ(a["wire_send_from"], std::string(bypass) == "on" ? 0 : 5) << bypass;
    EXPECT_EQ(b["wire_send_from"], std::string(bypass) == "on" ? 5 : 0) << bypass;
    EXPECT_EQ(a["wire_recv_from"], 5) << bypass;
    for (const auto& s : o.samples) EXPECT_TRUE(s.wire_send && s.wire_recv) << bypass << " seq " << s.seq;
  }
}

TEST_F(TcpdumpIntegration, UdpProbeAgainstTheReflectorMatchesOnPortsAndPayload) {
  auto e = experiment("udp", "udp", "198.18.0.2", "a:eth0", {});
  e.responder.kind = "udp-reflector";
  e.responder.node = "b";
  e.responder.port = 9000;
  Outcome o = run_experiment(e,
                             {"udp", "--target", "198.18.0.2", "--port", "9000", "--count", "5", "--warmup",
                              "0", "--interval", "20ms"},
                             {"udp-reflector", "--port", "9000"});
  ASSERT_EQ(o.error, "");
  ASSERT_EQ(o.summary.size(), 1u);
  const json& s = o.summary["a:eth0"];
  EXPECT_EQ(s["requests_seen"], 5) << s.dump();
  EXPECT_EQ(s["replies_seen"], 5) << s.dump();
  EXPECT_TRUE(s["match"]["local_port"].is_number()) << s.dump();
  EXPECT_EQ(s["tcpdump"]["filter"], "udp and host 198.18.0.2 and port 9000");
  ASSERT_EQ(o.samples.size(), 5u);
  for (const auto& smp : o.samples) {
    ASSERT_TRUE(smp.wire_send && smp.wire_recv && smp.t_send_user && smp.t_recv_user) << "seq " << smp.seq;
    EXPECT_GE(*smp.wire_send, *smp.t_send_user - 50'000);
    EXPECT_LE(*smp.wire_recv, *smp.t_recv_user + 50'000);
  }
}

TEST_F(TcpdumpIntegration, UnknownInterfaceFailsStartWithTcpdumpsReason) {
  auto e = experiment("bad", "icmp", "198.18.0.2", "a:eth0", {"a:nosuch0"});
  process::RealLauncher launcher;
  run::ExperimentContext ctx;
  ctx.lab = &lab_;
  ctx.exp = &e;
  ctx.dir = dir_.path();
  ctx.launcher = &launcher;
  auto st = run::make_tcpdump_capture(e.captures.at(0))->start(ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message().rfind(
                "capture tcpdump on \"a:nosuch0\": tcpdump exited with code 1: tcpdump: ", 0),
            0u)
      << st.error().message();
  EXPECT_NE(st.error().message().find("nosuch0"), std::string::npos) << st.error().message();
}

}  // namespace
