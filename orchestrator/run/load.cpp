#include "run/load.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "run/capture.h"
#include "run/counters_read.h"
#include "run/kinds.h"
#include "scenario/units.h"
#include "topology/kinds.h"

namespace latlab::run {

using namespace std::chrono_literals;

namespace {

// A server prints "Server listening" once it accepts; one that has not by
// then will not.
constexpr auto kServerStartTimeout = 5s;
constexpr auto kServerLineWait = 200ms;
constexpr auto kExitAfterError = 1s;
// After its client ended, a one-off server exits by itself.
constexpr auto kServerExitWait = 3s;
// A client gets this long past its own end before it is killed.
constexpr int64_t kClientGraceNs = 10'000'000'000;
constexpr int64_t kWatchEveryNs = 100'000'000;
// iperf3 connects its control channel within this, or gives up (ms).
constexpr const char* kConnectTimeoutMs = "5000";

std::string last_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

std::string node_of(const std::string& id) { return id.substr(0, id.find(':')); }

}  // namespace

std::vector<int> allowed_cpus() {
  std::vector<int> out;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) out.push_back(c);
  }
  if (out.empty()) out.push_back(0);
  return out;
}

Result<CpuPlan> plan_cpus(const scenario::Experiment& e, const std::vector<int>& allowed) {
  CpuPlan plan;
  plan.probe = e.cpu;
  plan.responder = e.responder.cpu;
  if (e.load.empty()) return plan;
  bool any_free = std::any_of(e.load.begin(), e.load.end(), [](const auto& l) { return l.cpus.empty(); });
  if (any_free && !plan.probe && !plan.responder) {
    plan.probe = allowed.back();
    plan.responder = allowed.back();
  }
  std::vector<int> used;
  if (plan.probe) used.push_back(*plan.probe);
  if (plan.responder) used.push_back(*plan.responder);
  for (size_t i = 0; i < e.load.size(); ++i) {
    const auto& l = e.load[i];
    if (!l.cpus.empty()) {
      plan.loads.push_back(l.cpus);
      continue;
    }
    std::vector<int> free;
    for (int c : allowed)
      if (std::find(used.begin(), used.end(), c) == used.end()) free.push_back(c);
    if (free.empty()) {
      std::sort(used.begin(), used.end());
      used.erase(std::unique(used.begin(), used.end()), used.end());
      return Error(fmt::format(
          "load {} ({} to {}): no CPU left for it: the probe and responder use {} and latlab may run on {}; give "
          "the load \"cpus\" to share one",
          i, l.from_node, l.to_text, scenario::format_cpu_list(used), scenario::format_cpu_list(allowed)));
    }
    plan.loads.push_back(free);
  }
  return plan;
}

uint64_t load_seconds(uint64_t probe_schedule_ns) {
  uint64_t total = kLoadRampNs + probe_schedule_ns + probe_schedule_ns / 20 + 500'000'000;
  return (total + 999'999'999) / 1'000'000'000;
}

std::vector<std::string> iperf_server_argv(const scenario::LoadSpec& l) {
  // -i 0: no interval reports, so that its output (a pipe) stays small.
  return {"iperf3", "-s", "-1", "-p", std::to_string(l.port), "-B", l.target.str(), "-i", "0", "--forceflush"};
}

std::vector<std::string> iperf_client_argv(const scenario::LoadSpec& l, uint64_t seconds) {
  std::vector<std::string> a = {"iperf3",
                                "-c",
                                l.target.str(),
                                "-p",
                                std::to_string(l.port),
                                "-t",
                                std::to_string(seconds),
                                "-P",
                                std::to_string(l.streams),
                                "--json",
                                "--connect-timeout",
                                kConnectTimeoutMs};
  // iperf3's -b is per stream; the scenario's is all streams together.
  if (l.bandwidth_bps) {
    uint64_t per = *l.bandwidth_bps == 0 ? 0 : std::max<uint64_t>(1, *l.bandwidth_bps / l.streams);
    a.insert(a.end(), {"-b", std::to_string(per)});
  }
  if (l.payload) a.insert(a.end(), {"-l", std::to_string(*l.payload)});
  if (auto k = load_kind(l.kind); k.ok() && (*k)->client_args) (*k)->client_args(l, a);
  return a;
}

Status read_iperf_result(const std::string& json_text, const scenario::LoadSpec& l, store::LoadRecord& rec) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error(json_text.empty() ? "iperf3 wrote no result" : "iperf3's result is not JSON");
  if (j.contains("error") && j["error"].is_string()) return Error("iperf3: " + j["error"].get<std::string>());
  if (!j.contains("end") || !j["end"].is_object()) return Error("iperf3's result has no \"end\"");
  auto k = load_kind(l.kind);
  if (!k.ok()) return k.error();
  try {
    (*k)->read_end(j["end"], rec);
  } catch (const nlohmann::json::exception& ex) {
    return Error(std::string("iperf3's result: ") + ex.what());
  }
  return Ok{};
}

LoadSet::LoadSet(const scenario::Lab& lab, const scenario::Experiment& e, process::ProcessLauncher& launcher,
                 std::string dir)
    : lab_(lab), exp_(e), launcher_(launcher), dir_(std::move(dir)) {}

LoadSet::~LoadSet() { kill(); }

Status LoadSet::start(const CpuPlan& cpus, uint64_t probe_schedule_ns) {
  if (exp_.load.empty()) return Ok{};
  if (!process::find_in_path("iperf3")) {
    start_failure_.emplace(0, "iperf3 is not installed (Debian package iperf3)");
    return Error("iperf3 is not installed (Debian package iperf3); the experiment's load needs it");
  }
  const uint64_t seconds = load_seconds(probe_schedule_ns);
  deadline_ns_ = monotonic_ns() + static_cast<int64_t>(seconds) * 1'000'000'000;
  running_.resize(exp_.load.size());
  for (size_t i = 0; i < exp_.load.size(); ++i) {
    running_[i].spec = &exp_.load[i];
    if (auto st = start_one(running_[i], cpus.loads.at(i), seconds); !st.ok()) {
      kill();
      start_failure_.emplace(i, st.error().message());
      return Error(fmt::format("load {} ({} {} to {}): {}", i, exp_.load[i].kind, exp_.load[i].from_node,
                               exp_.load[i].to_text, st.error().message()));
    }
  }
  std::this_thread::sleep_for(std::chrono::nanoseconds(kLoadRampNs));
  for (size_t i = 0; i < running_.size(); ++i) {
    Running& r = running_[i];
    if (r.client->exited()) {
      auto code = r.client->wait(0ms);
      std::string err = last_line(r.client->stderr_text());
      auto text = read_text_file(r.json_file);
      store::LoadRecord scratch;
      auto res = read_iperf_result(text.ok() ? *text : "", *r.spec, scratch);
      std::string why = !res.ok() ? res.error().message() : err;
      kill();
      std::string cause = fmt::format("ended as it started (exit {}){}", code.ok() ? *code : -1,
                                      why.empty() ? "" : ": " + why);
      start_failure_.emplace(i, cause);
      return Error(fmt::format("load {} to {} {}", r.spec->from_node, r.spec->to_text, cause));
    }
  }
  return Ok{};
}

Status LoadSet::start_one(Running& r, const std::vector<int>& cpus, uint64_t seconds) {
  const scenario::LoadSpec& l = *r.spec;
  r.cpus = scenario::format_cpu_list(cpus);
  process::SpawnSpec server;
  server.argv = iperf_server_argv(l);
  server.netns_path = topology::netns_path(*lab_.find_node(l.to_node));
  server.capture_stdout = true;
  server.cpus = cpus;
  auto s = launcher_.spawn(server);
  if (!s.ok()) return Error("start iperf3 server in node " + l.to_node + ": " + s.error().message());
  r.server = std::move(*s);
  auto until = std::chrono::steady_clock::now() + kServerStartTimeout;
  bool listening = false;
  while (!listening && std::chrono::steady_clock::now() < until) {
    auto line = r.server->read_line(kServerLineWait);
    if (!line.ok()) continue;
    if (!*line) break;  // EOF: it exited
    listening = (*line)->find("Server listening") != std::string::npos;
  }
  if (!listening) {
    (void)r.server->wait(kExitAfterError);
    std::string err = last_line(r.server->stderr_text());
    return Error("iperf3 server in node " + l.to_node + " did not start" + (err.empty() ? "" : ": " + err));
  }
  r.json_file = fmt::format("{}/load-{}-iperf3.json", dir_, l.port - scenario::kLoadBasePort);
  process::SpawnSpec client;
  client.argv = iperf_client_argv(l, seconds);
  client.netns_path = topology::netns_path(*lab_.find_node(l.from_node));
  client.stdout_file = r.json_file;
  client.cpus = cpus;
  auto c = launcher_.spawn(client);
  if (!c.ok()) return Error("start iperf3 client in node " + l.from_node + ": " + c.error().message());
  r.client = std::move(*c);
  r.started_ns = realtime_ns();
  return Ok{};
}

void LoadSet::watch() {
  int64_t now = monotonic_ns();
  if (running_.empty() || now - last_watch_ns_ < kWatchEveryNs) return;
  last_watch_ns_ = now;
  for (auto& r : running_) {
    if (!r.client || r.spec->egress.empty()) continue;
    const std::string node = node_of(r.spec->egress);
    const std::string ifname = r.spec->egress.substr(node.size() + 1);
    const scenario::Node* n = lab_.find_node(node);
    if (n == nullptr) continue;
    auto reading = read_namespace_counters(node, topology::netns_path(*n), {ifname});
    for (const auto& v : reading.values) {
      if (v.source != "qdisc") continue;
      if (v.name == ifname + ".backlog") r.peak_backlog_bytes = std::max(r.peak_backlog_bytes, v.value);
      if (v.name == ifname + ".qlen") r.peak_qlen = std::max(r.peak_qlen, v.value);
    }
  }
}

store::LoadRecord LoadSet::base_record(size_t i, int64_t experiment_id) const {
  const scenario::LoadSpec& l = exp_.load.at(i);
  store::LoadRecord rec;
  rec.experiment_id = experiment_id;
  rec.idx = static_cast<int64_t>(i);
  rec.kind = l.kind;
  rec.from_node = l.from_node;
  rec.to_node = l.to_node;
  rec.target = l.target.str();
  rec.streams = l.streams;
  rec.bandwidth_bps = static_cast<int64_t>(l.bandwidth_bps.value_or(0));
  rec.payload = l.payload.value_or(0);
  if (i < running_.size()) {
    rec.cpus = running_[i].cpus;
    rec.started_ns = running_[i].started_ns;
  }
  return rec;
}

Status LoadSet::record_failed_start(store::ResultStore& store, int64_t experiment_id) {
  if (!start_failure_) return Ok{};
  for (size_t i = 0; i < exp_.load.size(); ++i) {
    store::LoadRecord rec = base_record(i, experiment_id);
    rec.ended_ns = realtime_ns();
    rec.status = "failed";
    rec.error = i == start_failure_->first ? start_failure_->second
                                           : fmt::format("not started (load {} could not start)", start_failure_->first);
    if (i < running_.size() && running_[i].client) {
      auto text = read_text_file(running_[i].json_file);
      if (text.ok()) rec.result_json = *text;
    }
    LATLAB_TRY(store.add_load(rec));
  }
  start_failure_.reset();
  return Ok{};
}

Status LoadSet::finish(store::ResultStore& store, int64_t experiment_id) {
  for (size_t i = 0; i < running_.size(); ++i) {
    Running& r = running_[i];
    const scenario::LoadSpec& l = *r.spec;
    store::LoadRecord rec = base_record(i, experiment_id);
    std::string error;
    if (r.client) {
      int64_t wait_ns = std::max<int64_t>(0, deadline_ns_ - monotonic_ns()) + kClientGraceNs;
      auto code = r.client->wait(std::chrono::milliseconds(wait_ns / 1'000'000));
      if (!code.ok()) {
        r.client->signal(SIGKILL);
        (void)r.client->wait(1s);
        error = "iperf3 client did not finish; killed";
      }
      rec.ended_ns = realtime_ns();
      auto text = read_text_file(r.json_file);
      if (text.ok()) rec.result_json = *text;
      if (auto st = read_iperf_result(rec.result_json, l, rec); !st.ok() && error.empty()) {
        error = st.error().message();
        std::string err = last_line(r.client->stderr_text());
        if (!err.empty() && rec.result_json.empty()) error += ": " + err;
      }
    } else {
      error = "not started";
    }
    if (r.server) {
      if (!r.server->wait(kServerExitWait).ok()) {
        r.server->signal(SIGKILL);
        (void)r.server->wait(1s);
      }
    }
    nlohmann::json peak = nlohmann::json::object();
    if (!l.egress.empty()) peak[l.egress] = {{"backlog_bytes", r.peak_backlog_bytes}, {"qlen", r.peak_qlen}};
    rec.peak_json = peak.dump();
    rec.status = error.empty() ? "complete" : "failed";
    rec.error = error;
    if (!error.empty()) problems_.push_back(fmt::format("load {} ({} to {}): {}", i, l.from_node, l.to_text, error));
    LATLAB_TRY(store.add_load(rec));
  }
  running_.clear();
  return Ok{};
}

void LoadSet::kill() {
  for (auto& r : running_) {
    for (auto* c : {r.client.get(), r.server.get()}) {
      if (c == nullptr || c->exited()) continue;
      c->signal(SIGKILL);
      (void)c->wait(1s);
    }
  }
}

std::vector<pid_t> LoadSet::pids() const {
  std::vector<pid_t> out;
  for (const auto& r : running_) {
    if (r.server) out.push_back(r.server->pid());
    if (r.client) out.push_back(r.client->pid());
  }
  return out;
}

}  // namespace latlab::run
