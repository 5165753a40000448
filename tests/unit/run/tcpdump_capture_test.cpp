// Capture kind "tcpdump" without root: the interface list, the filter, the
// statistics tcpdump prints, and the whole start/stop/ingest cycle against a
// fake launcher (that writes what tcpdump writes) and a recording store, plus
// the ingest into a real SQLite store.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "pcap_test_frames.h"
#include "run/capture.h"
#include "run/pcap_ingest.h"
#include "run/pcap_tcpdump.h"

namespace latlab::run {
namespace {

using namespace latlab::test;
using nlohmann::json;
using process::Child;
using process::ProcessLauncher;
using process::SpawnSpec;

constexpr uint64_t kCookie = 0xc0ffee;
constexpr uint16_t kIdent = 777;

scenario::Experiment icmp_experiment() {
  scenario::Experiment e;
  e.name = "peer";
  e.probe = "icmp";
  e.from_node = "a";
  e.egress = "a:eth0";
  e.target = *scenario::IpAddr::parse("198.18.0.2");
  e.family = 4;
  e.responder.kind = "kernel";
  e.responder.node = "b";
  return e;
}

scenario::Lab two_node_lab() {
  scenario::Lab lab;
  lab.name = "demo";
  scenario::Node a;
  a.name = "a";
  a.kind = "netns";
  a.netns_name = "latlab-demo-a";
  scenario::Node b = a;
  b.name = "b";
  b.netns_name = "latlab-demo-b";
  scenario::Node h;
  h.name = "h";
  h.kind = "host";
  h.root_namespace = true;
  scenario::Node d;
  d.name = "d";
  d.kind = "docker";
  lab.nodes = {a, b, h, d};
  return lab;
}

scenario::CaptureSpec spec_of(std::vector<std::string> interfaces) {
  scenario::CaptureSpec s;
  s.kind = "tcpdump";
  s.interfaces = std::move(interfaces);
  return s;
}

std::vector<std::string> ids(const std::vector<CaptureInterface>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.id);
  return out;
}

TEST(TcpdumpInterfaces, DefaultIsTheEgressInterface) {
  auto r = tcpdump_interfaces(spec_of({}), icmp_experiment());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].node, "a");
  EXPECT_EQ((*r)[0].ifname, "eth0");
}

TEST(TcpdumpInterfaces, EgressRanksFirstThenAsListedWithoutDuplicates) {
  auto r = tcpdump_interfaces(spec_of({"b:eth0", "a:lo", "a:eth0", "b:eth0"}), icmp_experiment());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(ids(*r), (std::vector<std::string>{"a:eth0", "b:eth0", "a:lo"}));
}

TEST(TcpdumpInterfaces, Errors) {
  scenario::Experiment e = icmp_experiment();
  e.egress.clear();
  auto none = tcpdump_interfaces(spec_of({}), e);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message(),
            "experiment \"peer\" has no known egress interface; list the interfaces to capture on");
  auto bad = tcpdump_interfaces(spec_of({"a:"}), icmp_experiment());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "interface \"a:\": expected \"node:ifname\"");
}

TEST(TcpdumpFilter, PerProbeKind) {
  scenario::Experiment e = icmp_experiment();
  EXPECT_EQ(
      tcpdump_filter(e),
      "(icmp and host 198.18.0.2 and (icmp[icmptype] == icmp-echo or icmp[icmptype] == icmp-echoreply))");
  e.probe = "raw";
  EXPECT_EQ(tcpdump_filter(e),
            "(icmp and host 198.18.0.2 and (icmp[icmptype] == icmp-echo or icmp[icmptype] == "
            "icmp-echoreply)) or arp");
  e.probe = "icmp";
  e.family = 6;
  e.target = *scenario::IpAddr::parse("2001:2::2");
  EXPECT_EQ(tcpdump_filter(e),
            "(icmp6 and host 2001:2::2 and (icmp6[icmp6type] == icmp6-echo or icmp6[icmp6type] == "
            "icmp6-echoreply))");
  e.probe = "udp";
  e.responder.port = 7000;
  EXPECT_EQ(tcpdump_filter(e), "udp and host 2001:2::2 and port 7000");
}

TEST(TcpdumpStatsTest, ParsesTheLinesTcpdumpPrintsOnExit) {
  TcpdumpStats s = parse_tcpdump_stats(
      "tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 256 bytes\n"
      "1 packet captured\n12 packets received by filter\n3 packets dropped by kernel\n"
      "0 packets dropped by interface\n");
  EXPECT_EQ(s.captured, 1u);
  EXPECT_EQ(s.received_by_filter, 12u);
  EXPECT_EQ(s.dropped_by_kernel, 3u);
  EXPECT_EQ(s.dropped_by_interface, 0u);
  TcpdumpStats none = parse_tcpdump_stats("tcpdump: eth9: No such device exists\n");
  EXPECT_FALSE(none.captured.has_value());
  EXPECT_EQ(process::last_stderr_line("a\nb: last one\n\n  \n"), "b: last one");
  EXPECT_EQ(process::last_stderr_line("ssh: connect to host x port 22: Connection refused\r\n"),
            "ssh: connect to host x port 22: Connection refused");
  EXPECT_EQ(tcpdump_error_line(
                "tcpdump: listening on eth0\ntcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: x)\n"),
            "tcpdump: eth9: No such device exists");
  EXPECT_EQ(tcpdump_error_line("weird\n"), "weird");
}

// ---- the capture against a fake tcpdump --------------------------------

enum class Tool { listens, refuses_tstamp_type, fails, silent };

class FakeChild : public Child {
 public:
  FakeChild(std::string err_file, std::string pcap_file, bool exited, int code, uint64_t captured,
            std::vector<int>* signals, std::vector<uintmax_t>* sizes_at_sigint)
      : err_file_(std::move(err_file)),
        pcap_file_(std::move(pcap_file)),
        exited_(exited),
        code_(code),
        captured_(captured),
        signals_(signals),
        sizes_at_sigint_(sizes_at_sigint) {}
  pid_t pid() const override { return 4242; }
  Result<std::optional<std::string>> read_line(std::chrono::milliseconds) override {
    return std::optional<std::string>();
  }
  int stdout_fd() const override { return -1; }
  void signal(int sig) override {
    signals_->push_back(sig);
    if (exited_) return;
    if (sig == SIGINT) {
      std::error_code ec;
      sizes_at_sigint_->push_back(std::filesystem::file_size(pcap_file_, ec));
      std::ofstream(err_file_, std::ios::app) << captured_ << " packets captured\n"
                                              << captured_ + 2 << " packets received by filter\n"
                                              << "1 packet dropped by kernel\n";
      code_ = 0;
    } else {
      code_ = 128 + sig;
    }
    exited_ = true;
  }
  Result<int> wait(std::chrono::milliseconds) override {
    if (!exited_) return Error("fake tcpdump did not exit");
    return code_;
  }
  std::string stderr_text() override { return ""; }
  bool exited() override { return exited_; }
  void die(const std::string& why) {
    std::ofstream(err_file_, std::ios::app) << why << "\n";
    exited_ = true;
    code_ = 1;
  }

 private:
  std::string err_file_;
  std::string pcap_file_;
  bool exited_;
  int code_;
  uint64_t captured_;
  std::vector<int>* signals_;
  std::vector<uintmax_t>* sizes_at_sigint_;
};

class FakeLauncher : public ProcessLauncher {
 public:
  explicit FakeLauncher(Tool tool) : tool_(tool) {}
  Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) override {
    spawned.push_back(spec);
    std::ofstream err(spec.stderr_file, std::ios::trunc);
    const std::string& ifname = spec.argv.at(2);
    const bool has_j = std::find(spec.argv.begin(), spec.argv.end(), "-j") != spec.argv.end();
    bool exited = false;
    if (tool_ == Tool::fails) {
      err << "tcpdump: " << ifname << ": No such device exists\n(SIOCGIFHWADDR: No such device)\n";
      exited = true;
    } else if (tool_ == Tool::refuses_tstamp_type && has_j) {
      err << "tcpdump: " << ifname
          << ": Can't set time stamp type: That type of time stamp is not supported by that device\n";
      exited = true;
    } else if (tool_ != Tool::silent) {
      err << "tcpdump: listening on " << ifname
          << ", link-type EN10MB (Ethernet), snapshot length 256 bytes\n";
    }
    err.close();
    auto child = std::make_unique<FakeChild>(spec.stderr_file, spec.argv.at(7), exited, exited ? 1 : -1,
                                             captured, &signals, &sizes_at_sigint);
    children.push_back(child.get());
    return std::unique_ptr<Child>(std::move(child));
  }
  std::vector<SpawnSpec> spawned;
  std::vector<FakeChild*> children;
  std::vector<int> signals;
  std::vector<uintmax_t> sizes_at_sigint;  // the pcap file's size when SIGINT came
  uint64_t captured = 0;

 private:
  Tool tool_;
};

class RecordingStore : public store::ResultStore {
 public:
  Result<int64_t> begin_run(const store::RunRecord&) override { return 1; }
  Status finish_run(int64_t, const std::string&, const std::string&) override { return Ok{}; }
  Status set_run_order(int64_t, const std::string&) override { return Ok{}; }
  Status set_run_host(int64_t, const std::string&) override { return Ok{}; }
  Result<int64_t> begin_experiment(const store::ExperimentRecord&) override { return 1; }
  Status finish_experiment(const store::ExperimentRecord&) override { return Ok{}; }
  Result<std::unique_ptr<store::SampleSink>> samples(int64_t) override { return Error("not in this fake"); }
  Status set_wire_times(int64_t experiment_id, const std::vector<store::WireTimeRecord>& times) override {
    EXPECT_EQ(experiment_id, 9);
    for (const auto& t : times) wire[t.seq] = {t.send, t.recv};
    return Ok{};
  }
  Result<int64_t> add_capture(const store::CaptureRecord& c) override {
    captures.push_back(c);
    return static_cast<int64_t>(captures.size());
  }
  Status add_counters(int64_t, const std::vector<store::CounterRecord>&) override { return Ok{}; }
  Status add_stacks(int64_t, const std::vector<store::StackRecord>&) override { return Ok{}; }
  Status add_trace_events(int64_t, const std::vector<store::TraceEventRecord>&) override { return Ok{}; }
  Status add_load(const store::LoadRecord&) override { return Ok{}; }

  std::map<int64_t, std::pair<std::optional<int64_t>, std::optional<int64_t>>> wire;
  std::vector<store::CaptureRecord> captures;
};

class TcpdumpCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tool_ = dir_.file("tcpdump");
    std::ofstream(tool_) << "#!/bin/sh\nexit 1\n";
    ::chmod(tool_.c_str(), 0755);
    lab_ = two_node_lab();
    exp_ = icmp_experiment();
    ctx_.lab = &lab_;
    ctx_.exp = &exp_;
    ctx_.experiment_id = 9;
    ctx_.dir = dir_.path();
    ctx_.store = &store_;
  }

  std::unique_ptr<Capture> make(std::vector<std::string> interfaces,
                                std::chrono::milliseconds listen = std::chrono::milliseconds(2000)) {
    TcpdumpOptions o;
    o.tcpdump_path = tool_;
    o.listen_timeout = listen;
    o.stop_timeout = std::chrono::milliseconds(100);
    o.settle_min = o.settle_quiet = std::chrono::milliseconds(10);
    return make_tcpdump_capture_with(spec_of(std::move(interfaces)), o);
  }

  // What tcpdump would have written: requests 0..n-1 (unless !requests) 1 ms
  // apart, each reply 50 us after its request, and one ARP frame.
  void write_capture(const std::string& file, int n, int64_t t0, bool requests = true) {
    PcapWriter w(file, DLT_EN10MB);
    for (int i = 0; i < n; ++i) {
      auto seq = static_cast<uint64_t>(i);
      int64_t t = t0 + i * 1'000'000;
      if (requests)
        w.add(t, ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4,
                                       icmp_echo(8, kIdent, static_cast<uint16_t>(i),
                                                 latlab_payload(kCookie, seq)))));
      w.add(t + 50'000, ethernet(0x0800, ipv4(1, kTargetV4, kProbeV4,
                                              icmp_echo(0, kIdent, static_cast<uint16_t>(i),
                                                        latlab_payload(kCookie, seq)))));
    }
    w.add(t0 + 5, arp_request());
  }

  TempDir dir_;
  std::string tool_;
  scenario::Lab lab_;
  scenario::Experiment exp_;
  RecordingStore store_;
  ExperimentContext ctx_;
};

TEST_F(TcpdumpCaptureTest, StartsInTheNodeNamespaceStopsWithSigintAndIngests) {
  FakeLauncher launcher(Tool::listens);
  launcher.captured = 11;
  ctx_.launcher = &launcher;
  auto cap = make({"b:eth0", "a:eth0"});
  auto st = cap->start(ctx_);
  ASSERT_TRUE(st.ok()) << st.error().message();

  ASSERT_EQ(launcher.spawned.size(), 2u);
  const SpawnSpec& first = launcher.spawned[0];  // the egress ranks first
  EXPECT_EQ(first.netns_path, "/run/netns/latlab-demo-a");
  EXPECT_EQ(launcher.spawned[1].netns_path, "/run/netns/latlab-demo-b");
  const std::string file_a = dir_.file("tcpdump-a-eth0.pcap");
  const std::string file_b = dir_.file("tcpdump-b-eth0.pcap");
  EXPECT_EQ(first.argv, (std::vector<std::string>{
                            tool_, "-i", "eth0", "-n", "-U", "--immediate-mode", "-w", file_a, "-j", "host",
                            "--time-stamp-precision=nano", "-s", "256", "-Z", "root",
                            "(icmp and host 198.18.0.2 and (icmp[icmptype] == icmp-echo or icmp[icmptype] == "
                            "icmp-echoreply))"}));
  struct stat sb {};
  ASSERT_EQ(::stat(file_a.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);

  // The experiment: the agent's offset is 1 s; 10 samples expected.
  const int64_t offset = 1'000'000'000;
  ctx_.clock_offset_start_ns = offset;
  ctx_.start_mono_ns = 100'000'000'000;
  ctx_.samples_expected = 10;
  ctx_.icmp_ident = kIdent;
  ctx_.probe_header_json = R"({"type":"header","socket":{"identifier":777}})";
  write_capture(file_a, 10, ctx_.start_mono_ns + offset);
  write_capture(file_b, 8, ctx_.start_mono_ns + offset + 10'000);

  st = cap->stop(ctx_);
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(launcher.signals, (std::vector<int>{SIGINT, SIGINT}));
  st = cap->ingest(ctx_);
  ASSERT_TRUE(st.ok()) << st.error().message();

  ASSERT_EQ(store_.wire.size(), 10u);
  EXPECT_EQ(store_.wire[0].first, ctx_.start_mono_ns);
  EXPECT_EQ(store_.wire[0].second, ctx_.start_mono_ns + 50'000);
  EXPECT_EQ(store_.wire[9].first, ctx_.start_mono_ns + 9'000'000);

  ASSERT_EQ(store_.captures.size(), 2u);
  const store::CaptureRecord& a = store_.captures[0];
  EXPECT_EQ(a.kind, "tcpdump");
  EXPECT_EQ(a.interface, "a:eth0");
  EXPECT_EQ(a.file, file_a);
  EXPECT_EQ(a.status, "ok");
  EXPECT_EQ(a.error, "");
  json s = json::parse(a.summary_json);
  EXPECT_EQ(s["interface"], "a:eth0");
  EXPECT_EQ(s["requests_seen"], 10);
  EXPECT_EQ(s["replies_seen"], 10);
  EXPECT_EQ(s["requests_expected"], 10);
  EXPECT_EQ(s["other_frames"], 1);
  EXPECT_EQ(s["coverage"], 1.0);
  EXPECT_EQ(s["wire_send_from"], 10);
  EXPECT_EQ(s["tcpdump"]["captured"], 11);
  EXPECT_EQ(s["tcpdump"]["received_by_filter"], 13);
  EXPECT_EQ(s["tcpdump"]["dropped_by_kernel"], 1);
  EXPECT_EQ(s["tcpdump"]["exit_code"], 0);
  EXPECT_EQ(s["timestamp_type"], "host");
  EXPECT_EQ(s["match"]["identifier"], 777);
  EXPECT_EQ(s["match"]["cookie"], "0x0000000000c0ffee");
  EXPECT_EQ(s["match"]["cookie_source"], "learned");
  EXPECT_EQ(s["clock"]["source"], "agent");
  json sb_json = json::parse(store_.captures[1].summary_json);
  EXPECT_EQ(sb_json["interface"], "b:eth0");
  EXPECT_EQ(sb_json["requests_seen"], 8);
  EXPECT_EQ(sb_json["coverage"], 0.8);
  EXPECT_EQ(sb_json["wire_send_from"], 0);
}

TEST_F(TcpdumpCaptureTest, StopWaitsForTcpdumpToWriteWhatIsStillInItsRing) {
  // tcpdump drops what it has not written yet when SIGINT arrives; the last
  // reply lands in its ring right before the probe ends.
  FakeLauncher launcher(Tool::listens);
  ctx_.launcher = &launcher;
  TcpdumpOptions o;
  o.tcpdump_path = tool_;
  o.settle_min = std::chrono::milliseconds(10);
  o.settle_quiet = std::chrono::milliseconds(60);
  auto cap = make_tcpdump_capture_with(spec_of({}), o);
  ASSERT_TRUE(cap->start(ctx_).ok());
  const std::string file = dir_.file("tcpdump-a-eth0.pcap");
  std::thread late_writer([&] {
    PcapWriter w(file, DLT_EN10MB);
    for (int i = 0; i < 10; ++i) {
      w.add(1'000'000'000 + i, arp_request());
      w.flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto st = cap->stop(ctx_);
  late_writer.join();
  ASSERT_TRUE(st.ok()) << st.error().message();
  ASSERT_EQ(launcher.sizes_at_sigint.size(), 1u);
  EXPECT_EQ(launcher.sizes_at_sigint[0], std::filesystem::file_size(file));
}

TEST_F(TcpdumpCaptureTest, SenderBlindSpotShowsInTheSummary) {
  FakeLauncher launcher(Tool::listens);
  ctx_.launcher = &launcher;
  exp_.probe = "raw";
  auto cap = make({});
  ASSERT_TRUE(cap->start(ctx_).ok());
  ctx_.samples_expected = 20;
  ctx_.icmp_ident = kIdent;
  // No agent offset: the capture's own reading maps the clock.
  write_capture(dir_.file("tcpdump-a-eth0.pcap"), 20, realtime_ns(), false);
  ASSERT_TRUE(cap->stop(ctx_).ok());
  ASSERT_TRUE(cap->ingest(ctx_).ok());
  ASSERT_EQ(store_.captures.size(), 1u);
  json s = json::parse(store_.captures[0].summary_json);
  EXPECT_EQ(s["requests_seen"], 0);
  EXPECT_EQ(s["replies_seen"], 20);
  EXPECT_EQ(s["coverage"], 0.5);
  EXPECT_EQ(s["clock"]["source"], "capture");
  ASSERT_EQ(store_.wire.size(), 20u);
  EXPECT_FALSE(store_.wire[3].first.has_value());
  ASSERT_TRUE(store_.wire[3].second.has_value());
  // Mapped with our own offset: within a second of now on CLOCK_MONOTONIC.
  EXPECT_LT(std::llabs(*store_.wire[3].second - monotonic_ns()), 2'000'000'000);
}

TEST_F(TcpdumpCaptureTest, RetriesWithoutHostTimestampsWhenRefused) {
  FakeLauncher launcher(Tool::refuses_tstamp_type);
  ctx_.launcher = &launcher;
  auto cap = make({});
  auto st = cap->start(ctx_);
  ASSERT_TRUE(st.ok()) << st.error().message();
  ASSERT_EQ(launcher.spawned.size(), 2u);
  EXPECT_NE(std::find(launcher.spawned[0].argv.begin(), launcher.spawned[0].argv.end(), "-j"),
            launcher.spawned[0].argv.end());
  EXPECT_EQ(std::find(launcher.spawned[1].argv.begin(), launcher.spawned[1].argv.end(), "-j"),
            launcher.spawned[1].argv.end());
  write_capture(dir_.file("tcpdump-a-eth0.pcap"), 1, realtime_ns());
  ASSERT_TRUE(cap->stop(ctx_).ok());
  ASSERT_TRUE(cap->ingest(ctx_).ok());
  json s = json::parse(store_.captures.at(0).summary_json);
  EXPECT_EQ(s["timestamp_type"], "default");
  EXPECT_NE(s["timestamp_note"].get<std::string>().find("Can't set time stamp type"), std::string::npos);
}

TEST_F(TcpdumpCaptureTest, ToolErrorsAreOneLineAndNameTheInterface) {
  FakeLauncher launcher(Tool::fails);
  ctx_.launcher = &launcher;
  auto st = make({})->start(ctx_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(
      st.error().message(),
      "capture tcpdump on \"a:eth0\": tcpdump exited with code 1: tcpdump: eth0: No such device exists");
}

TEST_F(TcpdumpCaptureTest, NotListeningInTimeIsAnErrorAndTheChildIsKilled) {
  FakeLauncher launcher(Tool::silent);
  ctx_.launcher = &launcher;
  auto st = make({}, std::chrono::milliseconds(50))->start(ctx_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(),
            "capture tcpdump on \"a:eth0\": tcpdump did not report \"listening on\" within 50 ms");
  EXPECT_EQ(launcher.signals, std::vector<int>{SIGKILL});
}

TEST_F(TcpdumpCaptureTest, AFailedSecondInterfaceStopsTheFirst) {
  FakeLauncher launcher(Tool::listens);
  ctx_.launcher = &launcher;
  auto st = make({"a:eth0", "x:eth0"})->start(ctx_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(), "capture tcpdump on \"x:eth0\": node \"x\" is not in the lab");
  EXPECT_EQ(launcher.signals, std::vector<int>{SIGKILL});
  auto docker = make({"d:eth0"})->start(ctx_);
  ASSERT_FALSE(docker.ok());
  EXPECT_EQ(
      docker.error().message(),
      "capture tcpdump on \"d:eth0\": node \"d\" (kind docker) has no network namespace latlab can enter");
}

TEST_F(TcpdumpCaptureTest, HostNodeRunsInLatlabsOwnNamespace) {
  FakeLauncher launcher(Tool::listens);
  ctx_.launcher = &launcher;
  auto cap = make({"h:br0"});
  ASSERT_TRUE(cap->start(ctx_).ok());
  EXPECT_EQ(launcher.spawned.at(0).netns_path, "");
  EXPECT_EQ(launcher.spawned.at(0).argv.at(2), "br0");
  ASSERT_TRUE(cap->stop(ctx_).ok());
}

TEST_F(TcpdumpCaptureTest, TcpdumpDyingDuringTheExperimentFailsThatInterface) {
  FakeLauncher launcher(Tool::listens);
  ctx_.launcher = &launcher;
  auto cap = make({});
  ASSERT_TRUE(cap->start(ctx_).ok());
  write_capture(dir_.file("tcpdump-a-eth0.pcap"), 3, realtime_ns());
  launcher.children.at(0)->die("tcpdump: pcap_loop: The interface disappeared");
  auto st = cap->stop(ctx_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(),
            "capture tcpdump on \"a:eth0\": tcpdump ended before the experiment did (it exited with code 1): tcpdump: "
            "pcap_loop: The interface disappeared");
  // Recorded in the interface's row, not returned (the runner would record it twice).
  auto in = cap->ingest(ctx_);
  ASSERT_TRUE(in.ok()) << in.error().message();
  ASSERT_EQ(store_.captures.size(), 1u);
  EXPECT_EQ(store_.captures[0].status, "failed");
  EXPECT_EQ(
      store_.captures[0].error,
      "tcpdump ended before the experiment did (it exited with code 1): tcpdump: pcap_loop: The interface disappeared");
  // What it captured before dying still counts.
  EXPECT_EQ(json::parse(store_.captures[0].summary_json)["replies_seen"], 3);
  EXPECT_EQ(store_.wire.size(), 3u);
}

TEST_F(TcpdumpCaptureTest, MissingTcpdumpNamesThePackage) {
  FakeLauncher launcher(Tool::listens);
  ctx_.launcher = &launcher;
  TcpdumpOptions o;
  o.tcpdump_path = dir_.file("no-such-tcpdump");
  auto st = make_tcpdump_capture_with(spec_of({}), o)->start(ctx_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(), "capture tcpdump: tcpdump is not installed (Debian package tcpdump)");
  EXPECT_EQ(st.error().exit_code(), ExitCode::environment);
  // Found through PATH when no path is given.
  const char* old = std::getenv("PATH");
  std::string saved = old ? old : "";
  ::setenv("PATH", dir_.file("empty-bin").c_str(), 1);
  auto via_path = make_tcpdump_capture(spec_of({}))->start(ctx_);
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(via_path.ok());
  EXPECT_EQ(via_path.error().message(), "capture tcpdump: tcpdump is not installed (Debian package tcpdump)");
  EXPECT_TRUE(launcher.spawned.empty());
}

TEST(TcpdumpMatchKeys, FromContextAndAgentHeader) {
  scenario::Experiment e = icmp_experiment();
  ExperimentContext ctx;
  ctx.exp = &e;
  ctx.probe_header_json = R"({"type":"header","socket":{"identifier":4660,"cookie":"0xabc"}})";
  MatchKeys k = match_keys_for(ctx);
  EXPECT_EQ(k.icmp_ident, 4660);
  EXPECT_EQ(k.cookie, 0xabcu);
  ctx.icmp_ident = 5;  // what the runner asked for; the agent's report wins
  EXPECT_EQ(match_keys_for(ctx).icmp_ident, 4660);
  ctx.probe_header_json = R"({"type":"header","socket":{}})";
  EXPECT_EQ(match_keys_for(ctx).icmp_ident, 5);
  e.probe = "udp";
  e.responder.port = 9000;
  ctx.icmp_ident.reset();
  ctx.probe_header_json = R"({"type":"header","socket":{"port":9000,"local_port":41000}})";
  k = match_keys_for(ctx);
  EXPECT_FALSE(k.icmp_ident.has_value());
  EXPECT_EQ(k.udp_port, 9000);
  EXPECT_EQ(k.udp_local_port, 41000);
  EXPECT_FALSE(k.cookie.has_value());
  ctx.probe_header_json = "not json";
  EXPECT_FALSE(match_keys_for(ctx).udp_local_port.has_value());
}

}  // namespace
}  // namespace latlab::run

namespace latlab::run {
namespace {

TEST_F(TcpdumpCaptureTest, WireTimesLandInTheSqliteStore) {
  auto db = store::SqliteStore::open(dir_.file("latlab.db"));
  ASSERT_TRUE(db.ok()) << db.error().message();
  store::RunRecord run;
  run.scenario_name = "demo";
  run.started_ns = realtime_ns();
  auto run_id = (*db)->begin_run(run);
  ASSERT_TRUE(run_id.ok()) << run_id.error().message();
  store::ExperimentRecord er;
  er.run_id = *run_id;
  er.name = "peer";
  er.probe = "icmp";
  auto exp_id = (*db)->begin_experiment(er);
  ASSERT_TRUE(exp_id.ok()) << exp_id.error().message();
  {
    auto sink = (*db)->samples(*exp_id);
    ASSERT_TRUE(sink.ok());
    for (int64_t i = 0; i < 4; ++i) {
      store::SampleRecord s;
      s.seq = i;
      s.t_send_user = 1000 + i;
      ASSERT_TRUE((*sink)->add(s).ok());
    }
    ASSERT_TRUE((*sink)->flush().ok());
  }
  std::vector<PcapInput> inputs(1);
  inputs[0].interface = {"a:eth0", "a", "eth0"};
  inputs[0].file = dir_.file("tcpdump-a-eth0.pcap");
  write_capture(inputs[0].file, 3, 5'000'000'000);
  ctx_.store = db->get();
  ctx_.experiment_id = *exp_id;
  ctx_.samples_expected = 4;
  ClockMap clock;
  clock.offset_start_ns = 4'000'000'000;
  MatchKeys keys = match_keys_for(ctx_);
  keys.icmp_ident = kIdent;
  auto st = ingest_pcaps(ctx_, inputs, keys, clock, "agent");
  ASSERT_TRUE(st.ok()) << st.error().message();

  std::vector<store::SampleRecord> got;
  ASSERT_TRUE((*db)->for_each_sample(*exp_id, [&](const store::SampleRecord& s) { got.push_back(s); }).ok());
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].wire_send, 1'000'000'000);
  EXPECT_EQ(got[0].wire_recv, 1'000'050'000);
  EXPECT_EQ(got[2].wire_send, 1'002'000'000);
  EXPECT_FALSE(got[3].wire_send.has_value());  // never captured
  auto caps = (*db)->captures(*exp_id);
  ASSERT_TRUE(caps.ok());
  ASSERT_EQ(caps->size(), 1u);
  EXPECT_EQ((*caps)[0].status, "ok");
  json s = json::parse((*caps)[0].summary_json);
  EXPECT_EQ(s["requests_seen"], 3);
  EXPECT_EQ(s["coverage"], 0.75);
}

}  // namespace
}  // namespace latlab::run
