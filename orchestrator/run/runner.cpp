#include "run/runner.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "run/agent_argv.h"
#include "run/agent_stream.h"
#include "run/capture.h"
#include "run/experiment_run.h"
#include "run/host_info.h"
#include "run/order.h"
#include "run/signals.h"
#include "scenario/kinds.h"
#include "scenario/units.h"
#include "topology/engine.h"
#include "topology/plan.h"
#include "util/owner.h"

namespace latlab::run {

namespace fs = std::filesystem;

std::string scenario_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

nlohmann::json experiment_params(const scenario::Experiment& e) {
  nlohmann::json params = {
      {"probe", e.probe},   {"from", e.from_node},          {"to", e.to_text},
      {"family", e.family}, {"interval_ns", e.interval_ns}, {"payload", e.payload},
      {"warmup", e.warmup}, {"timeout_ns", e.timeout_ns},   {"responder", e.responder.kind},
      {"wait", e.wait},     {"min_effect", e.min_effect}};
  if (e.count) params["count"] = *e.count;
  if (e.duration_ns) params["duration_ns"] = *e.duration_ns;
  if (e.cpu) params["cpu"] = *e.cpu;
  if (e.options.qdisc_bypass) params["qdisc_bypass"] = *e.options.qdisc_bypass;
  if (e.options.busy_poll_us) params["busy_poll_us"] = *e.options.busy_poll_us;
  if (const auto* rk = scenario::find_responder_kind(e.responder.kind); rk && rk->user_space())
    params["responder_wait"] = e.responder.wait;
  if (e.responder.delay_ns) params["responder_delay_ns"] = e.responder.delay_ns;
  nlohmann::json sys = nlohmann::json::object();
  for (const auto& [node, list] : e.sysctls)
    for (const auto& s : list) sys[node][s.name] = s.value;
  params["sysctls"] = sys;
  // Only when set: the identity of experiments from before pairs and loads stays as it was.
  if (e.pair_count > 1) params["pairs"] = e.pair_count;
  if (!e.idle.empty()) params["idle"] = e.idle;
  if (!e.pair_texts.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : e.pair_texts) list.push_back({{"from", p.from_node}, {"to", p.to_text}});
    params["pair_list"] = list;
  }
  if (!e.load.empty()) {
    nlohmann::json loads = nlohmann::json::array();
    for (const auto& l : e.load) {
      nlohmann::json j = {{"kind", l.kind}, {"from", l.from_node}, {"to", l.to_text}, {"streams", l.streams}};
      if (l.bandwidth_bps) j["bandwidth_bps"] = *l.bandwidth_bps;
      if (l.payload) j["payload"] = *l.payload;
      if (!l.cpus.empty()) j["cpus"] = l.cpus;
      if (!l.congestion.empty()) j["congestion"] = l.congestion;
      loads.push_back(j);
    }
    params["load"] = loads;
  }
  return params;
}

Runner::Runner(const scenario::LoadResult& scenario, RunOptions opt, topology::NetlinkOps& ops,
               topology::FileStateStore& states, store::ResultStore& store,
               process::ProcessLauncher& launcher, ProgressFn progress)
    : scenario_(scenario),
      opt_(std::move(opt)),
      ops_(ops),
      states_(states),
      store_(store),
      launcher_(launcher),
      progress_(std::move(progress)) {}

namespace {

// `up` returns when the kernel has the objects; a veth or bridge port reports
// carrier a moment later, and a frame sent before that is dropped (the raw
// pinger's first ARP, for one). Wait until every lab interface that should be
// up has carrier, or give up after timeout and say which did not.
std::string wait_for_carrier(const scenario::Lab& lab, topology::NetlinkOps& ops,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::string missing;
    for (const auto& n : lab.nodes) {
      if (n.host != scenario::kLocalHost) continue;  // another host's: its own latlab built it
      auto links = ops.list_links(n.netns_name);
      if (!links.ok()) return "";
      for (const auto& l : *links) {
        const scenario::Interface* f = lab.find_interface(n.name, l.name);
        if (!f || l.lower_up) continue;
        if (!missing.empty()) missing += ", ";
        missing += f->id();
      }
    }
    if (missing.empty()) return "";
    if (std::chrono::steady_clock::now() > deadline) return missing;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool interrupted() { return interrupts().count.load() > 0; }

// What the engine chose at `up` for the interfaces it addresses (docker0):
// each container's eth0 there, and docker0 itself for the host node.
std::map<std::string, scenario::Prefix> engine_addresses(const topology::LabState& st) {
  std::map<std::string, scenario::Prefix> out;
  auto bridge = scenario::Prefix::parse(st.docker_bridge_ipv4);
  if (!bridge) return out;
  for (const auto& c : st.containers) {
    auto ip = scenario::IpAddr::parse(c.ipv4);
    if (c.network != "bridge" || !ip) continue;
    scenario::Prefix p = *bridge;
    p.addr = *ip;
    out[c.node + ":eth0"] = p;
  }
  for (const auto& n : st.nodes)
    if (n.netns.empty()) out[n.name + ":docker0"] = *bridge;
  return out;
}

// "a; b" (either may be empty).
std::string joined(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a + b;
  return a + "; " + b;
}

}  // namespace

// The run's state from its record to its end: the lab, the order, the store
// every write goes through, and each experiment's tally.
struct Runner::Impl {
  Impl(Runner& runner, scenario::Lab l) : r(runner), lab(std::move(l)), store(runner.store_) {}
  Runner& r;
  scenario::Lab lab;
  CheckedStore store;
  uint64_t seed = 0;
  int64_t run_id = 0;
  std::string run_dir;
  std::vector<Slot> order;
  nlohmann::json host;
  topology::LabState state;  // the journal once the lab is up
  std::map<std::string, ExperimentTally> tallies;

  void note(const std::string& text) const {
    ProgressEvent ev(ProgressEvent::Kind::note);
    ev.text = text;
    r.progress_(ev);
  }

  Status record_run();
  Status make_run_dir();
  store::RunRecord run_record() const;
  Status bring_up(topology::Engine& engine);
  Error abandon_run(Error why);
  Status record_lab_settings();
  Status run_experiments();
  std::string tear_down(topology::Engine& engine);
  void conclude(RunOutcome& out, const Status& stopped, const std::string& down_error);
  void settle_status(RunOutcome& out, const Status& stopped, const std::string& down_error) const;
};

// The order (seeded), the run directory and the run's record.
Status Runner::Impl::record_run() {
  if (r.opt_.repeat) lab.repeat = *r.opt_.repeat;
  seed = lab.seed ? *lab.seed : std::random_device{}();
  order = make_order(lab.experiments.size(), lab.repeat, lab.order, seed);
  LATLAB_TRY(make_run_dir());
  host = {{"machine", machine_info()}};
  auto id = store.begin_run(run_record());
  if (!id.ok()) return id.error();
  run_id = *id;
  return Ok{};
}

// The run directory sits next to the store.
Status Runner::Impl::make_run_dir() {
  auto now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  run_dir = fmt::format("{}/{}-{}-{}", r.opt_.runs_root, lab.name, stamp, ::getpid());
  std::error_code ec;
  if (fs::create_directories(r.opt_.runs_root, ec)) (void)hand_over(r.opt_.runs_root);
  if (::mkdir(run_dir.c_str(), 0700) != 0)
    return Error::from_errno("create run directory " + run_dir, errno).exit(ExitCode::environment);
  (void)hand_over(run_dir);
  return Ok{};
}

store::RunRecord Runner::Impl::run_record() const {
  store::RunRecord rr;
  rr.scenario_name = lab.name;
  rr.scenario_file = r.opt_.scenario_path;
  rr.scenario_text = r.scenario_.text;
  rr.scenario_hash = scenario_hash(r.scenario_.text);
  rr.latlab_version = LATLAB_VERSION;
  rr.host_json = host.dump();
  rr.started_ns = realtime_ns();
  rr.pid = ::getpid();
  rr.boot_id = store::current_boot_id();
  rr.seed = static_cast<int64_t>(seed & 0x7fffffffffffffffULL);
  nlohmann::json slots = nlohmann::json::array();
  for (const auto& s : order)
    slots.push_back({{"experiment", lab.experiments[s.experiment].name}, {"repetition", s.repetition}});
  rr.order_json = slots.dump();
  rr.run_dir = run_dir;
  return rr;
}

Status Runner::Impl::bring_up(topology::Engine& engine) {
  auto plan = topology::make_plan(lab, scenario::kLocalHost);
  topology::ApplyOptions apply;
  apply.scenario_path = r.opt_.scenario_path;
  apply.cancel = &interrupts().cancel;
  apply.runtime = r.opt_.runtime;
  apply.agent_path = r.opt_.agent_path;
  auto t0 = std::chrono::steady_clock::now();
  auto up = r.opt_.up ? r.opt_.up(engine, lab, apply) : engine.up(lab, plan, apply);
  if (!up.ok()) return up.error();
  state = *up;
  if (Status s = scenario::bind_engine_addresses(lab, engine_addresses(state)); !s)
    return Error(s.error()).context("lab " + fmt::format("\"{}\"", lab.name));
  ProgressEvent ev(ProgressEvent::Kind::lab_up);
  ev.text = fmt::format("lab \"{}\" is up ({} actions in {:.3f} s)", lab.name, plan.actions.size(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  r.progress_(ev);
  if (auto missing = wait_for_carrier(lab, r.ops_, std::chrono::milliseconds(3000)); !missing.empty())
    note("warning: no carrier after 3 s on " + missing);
  return Ok{};
}

// The lab could not be built: the run is recorded as failed (or interrupted)
// and the error returned.
Error Runner::Impl::abandon_run(Error why) {
  (void)hand_over(run_dir, true);
  auto st = store.finish_run(run_id, interrupted() ? "interrupted" : "failed", why.message());
  if (st.ok()) return why;
  return Error(why.message() + "; recording the run's end: " + st.error().message(), why.sys_errno(),
               why.exit_code());
}

Status Runner::Impl::record_lab_settings() {
  host["lab"] = lab_settings(scenario::part_of(lab, scenario::kLocalHost), r.ops_);
  // The other hosts as they described themselves at `up`.
  for (const auto& h : state.hosts) {
    nlohmann::json info = nlohmann::json::parse(h.info_json, nullptr, false);
    host["hosts"][h.name] = info.is_discarded() ? nlohmann::json::object() : info;
    if (info.contains("settings"))
      for (auto& [node, v] : info["settings"].items()) host["lab"][node] = v;
  }
  if (!state.containers.empty()) host["docker"] = docker_settings(lab, state, r.ops_, *r.opt_.runtime);
  auto st = store.set_run_host(run_id, host.dump());
  if (st.ok()) return Ok{};
  Error e = st.error().with_context("record the lab's settings");
  note("run failed: " + e.message());
  return e;
}

// Every slot of the order, until Ctrl-C or a store write that fails.
Status Runner::Impl::run_experiments() {
  RunScope scope;
  scope.lab = &lab;
  scope.run_id = run_id;
  scope.run_dir = run_dir;
  scope.slots = order.size();
  scope.agent_path = r.opt_.agent_path;
  scope.ops = &r.ops_;
  scope.store = &store;
  scope.launcher = &r.launcher_;
  scope.runtime = r.opt_.runtime;
  scope.progress = r.progress_;
  for (size_t pos = 0; pos < order.size(); ++pos) {
    if (interrupted()) break;
    ExperimentTally& tally = tallies[lab.experiments[order[pos].experiment].name];
    LATLAB_TRY(ExperimentRun(scope, pos, order[pos], tally).run());
  }
  return Ok{};
}

// Down (even when interrupted), unless asked to keep the lab; the error, if any.
std::string Runner::Impl::tear_down(topology::Engine& engine) {
  if (r.opt_.keep_lab) return "";
  ProgressEvent ev(ProgressEvent::Kind::teardown);
  ev.text = fmt::format("tearing down lab \"{}\"", lab.name);
  r.progress_(ev);
  if (r.opt_.down) return r.opt_.down(engine, lab.name);
  auto down = engine.down(lab.name);
  return down.ok() ? "" : down.error().message();
}

// The summaries, the run's status and its end in the store. stopped is the
// store write that stopped the run early, if one did.
void Runner::Impl::conclude(RunOutcome& out, const Status& stopped, const std::string& down_error) {
  for (auto& [name, t] : tallies) {
    t.summary.p50_ns = t.user.quantile(0.5);
    t.summary.p99_ns = t.user.quantile(0.99);
    t.summary.p50_kernel_ns = t.kernel.quantile(0.5);
  }
  for (const auto& e : lab.experiments)
    if (auto it = tallies.find(e.name); it != tallies.end()) out.experiments.push_back(it->second.summary);
  settle_status(out, stopped, down_error);
  // Under sudo, what the run wrote is the invoking user's (util/owner.h).
  if (auto err = hand_over(run_dir, true); !err.empty()) note("run directory: cannot give it to the sudo user: " + err);
  // The store knows complete, interrupted and failed; an incomplete run is a
  // failed one whose error starts "incomplete:".
  const std::string stored = out.status == "incomplete" ? "failed" : out.status;
  if (auto st = store.finish_run(run_id, stored, out.error); !st.ok()) {
    Error e = st.error().with_context("record the run's end");
    note("run failed: " + e.message());
    out.status = "failed";
    out.error = joined(out.error, e.message());
  }
}

// A store that refused a write fails the run, even an interrupted one: it is
// short of what was asked for, and the exit code must say so.
void Runner::Impl::settle_status(RunOutcome& out, const Status& stopped,
                                 const std::string& down_error) const {
  bool any_failed = false;
  for (const auto& [name, t] : tallies) any_failed = any_failed || !t.summary.errors.empty();
  std::string teardown = down_error.empty() ? "" : "teardown: " + down_error;
  if (!stopped.ok()) {
    out.status = "failed";
    out.error = joined(stopped.error().message(), teardown);
  } else if (interrupted()) {
    out.status = "interrupted";
    out.error = joined("interrupted by signal " + std::to_string(interrupts().last_signal.load()), teardown);
  } else if (std::any_of(tallies.begin(), tallies.end(), [](const auto& t) { return t.second.summary.host_lost; })) {
    // A host dropped out: its experiments failed, the others ran.
    out.status = "incomplete";
    out.error = joined("incomplete: a host of the lab dropped out; its experiments failed", teardown);
  } else if (any_failed || !teardown.empty()) {
    out.status = "failed";
    out.error = !teardown.empty() ? teardown : "some experiments failed";
  } else {
    out.status = "complete";
  }
}

Result<RunOutcome> Runner::run() {
  Impl impl(*this, *scenario_.lab);
  LATLAB_TRY(impl.record_run());
  RunOutcome out;
  out.run_id = impl.run_id;
  out.run_dir = impl.run_dir;
  topology::Engine engine(ops_, states_, opt_.runtime);
  if (auto up = impl.bring_up(engine); !up.ok()) return impl.abandon_run(up.error());
  Status stopped = impl.record_lab_settings();
  if (stopped.ok()) stopped = impl.run_experiments();
  std::string down_error = impl.tear_down(engine);
  impl.conclude(out, stopped, down_error);
  return out;
}

}  // namespace latlab::run
