#include "run/runner.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "run/agent_argv.h"
#include "run/agent_stream.h"
#include "run/capture.h"
#include "run/host_info.h"
#include "run/latency_histogram.h"
#include "run/order.h"
#include "run/signals.h"
#include "scenario/kinds.h"
#include "scenario/units.h"
#include "topology/engine.h"
#include "topology/plan.h"

namespace latlab::run {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string scenario_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

namespace {

std::string dur(uint64_t ns) { return scenario::format_duration(ns); }

}  // namespace

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
  return params;
}

Runner::Runner(const scenario::LoadResult& scenario, RunOptions opt, topology::NetlinkOps& ops,
               topology::FileStateStore& states, store::SqliteStore& store,
               process::ProcessLauncher& launcher, ProgressFn progress)
    : scenario_(scenario),
      opt_(std::move(opt)),
      ops_(ops),
      states_(states),
      store_(store),
      launcher_(launcher),
      progress_(std::move(progress)) {}

struct Runner::Impl {
  Impl(Runner& runner, scenario::Lab l) : r(runner), lab(std::move(l)) {}
  Runner& r;
  scenario::Lab lab;
  int64_t run_id = 0;
  std::string run_dir;
  std::vector<Slot> order;
  std::map<std::string, ExperimentSummary> summaries;
  std::map<std::string, LatencyHistogram> hist_user, hist_kernel;
  bool stop_requested() const { return interrupts().count.load() > 0; }
  bool hard_stop() const { return interrupts().count.load() > 1; }

  void note(const std::string& text) {
    ProgressEvent ev(ProgressEvent::Kind::note);
    ev.text = text;
    r.progress_(ev);
  }

  // Applies an experiment's sysctls; returns what to restore.
  std::vector<std::tuple<std::string, std::string, std::string>> apply_sysctls(const scenario::Experiment& e,
                                                                               std::string& error) {
    std::vector<std::tuple<std::string, std::string, std::string>> restore;
    for (const auto& [node, list] : e.sysctls) {
      const scenario::Node* n = lab.find_node(node);
      for (const auto& s : list) {
        // Machine-wide sysctls exist only in the root namespace's /proc/sys.
        std::string ns = s.global ? std::string() : n->netns_name;
        auto old = r.ops_.read_sysctl(ns, s.name);
        if (!old.ok()) {
          error = fmt::format("node \"{}\": read sysctl {}: {}", node, s.name, old.error().message());
          return restore;
        }
        auto w = r.ops_.write_sysctl(ns, s.name, s.value);
        if (!w.ok()) {
          error =
              fmt::format("node \"{}\": set sysctl {} = {}: {}", node, s.name, s.value, w.error().message());
          return restore;
        }
        restore.emplace_back(ns, s.name, *old);
      }
    }
    return restore;
  }

  void restore_sysctls(const std::vector<std::tuple<std::string, std::string, std::string>>& list) {
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      auto w = r.ops_.write_sysctl(std::get<0>(*it), std::get<1>(*it), std::get<2>(*it));
      if (!w.ok()) note("warning: restore sysctl " + std::get<1>(*it) + ": " + w.error().message());
    }
  }

  // Reads one agent process's lines until EOF, feeding samples to the sink.
  void run_experiment(size_t pos, const Slot& slot);
};

void Runner::Impl::run_experiment(size_t pos, const Slot& slot) {
  const scenario::Experiment& e = lab.experiments[slot.experiment];
  auto& sum = summaries[e.name];
  sum.name = e.name;
  sum.probe = e.probe;
  sum.path_kind = scenario::path_kind_name(e.path_kind);
  ++sum.repetitions;

  ProgressEvent start(ProgressEvent::Kind::experiment_start);
  start.position = pos + 1;
  start.total = order.size();
  start.experiment = e.name;
  start.repetition = slot.repetition;
  start.expected = (e.count ? *e.count + e.warmup : 0);
  r.progress_(start);

  store::ExperimentRecord rec;
  rec.run_id = run_id;
  rec.name = e.name;
  rec.repetition = slot.repetition;
  rec.position = static_cast<int64_t>(pos);
  rec.probe = e.probe;
  rec.path_kind = scenario::path_kind_name(e.path_kind);
  rec.from_node = e.from_node;
  rec.from_kind = lab.find_node(e.from_node)->kind;
  rec.to_node = e.to_node;
  if (const scenario::Node* tn = lab.find_node(e.to_node)) rec.to_kind = tn->kind;
  rec.target = e.target.str();
  rec.egress = e.egress;
  rec.params_json = experiment_params(e).dump();
  rec.started_ns = realtime_ns();
  auto id = r.store_.begin_experiment(rec);
  if (!id.ok()) {
    sum.errors.push_back(id.error().message());
    return;
  }
  rec.id = *id;
  auto fail = [&](const std::string& msg) {
    rec.status = stop_requested() ? "interrupted" : "failed";
    rec.error = msg;
    rec.ended_ns = realtime_ns();
    (void)r.store_.finish_experiment(rec);
    sum.errors.push_back(fmt::format("{} (repetition {}): {}", e.name, slot.repetition, msg));
    note(fmt::format("experiment {} (repetition {}) failed: {}", e.name, slot.repetition, msg));
  };

  ExperimentContext ctx;
  ctx.lab = &lab;
  ctx.exp = &e;
  ctx.experiment_id = rec.id;
  ctx.repetition = slot.repetition;
  ctx.dir = fmt::format("{}/{:03}-{}-r{}", run_dir, pos, e.name, slot.repetition);
  ctx.store = &r.store_;
  ctx.launcher = &r.launcher_;
  ctx.agent_path = r.opt_.agent_path;
  ctx.icmp_ident = static_cast<uint32_t>((run_id * 7919 + static_cast<int64_t>(pos) * 31 + 1) & 0xffff);
  if (::mkdir(ctx.dir.c_str(), 0700) != 0 && errno != EEXIST) {
    fail(Error::from_errno("create " + ctx.dir, errno).message());
    return;
  }

  std::string sys_error;
  auto restore = apply_sysctls(e, sys_error);
  if (!sys_error.empty()) {
    restore_sysctls(restore);
    fail(sys_error);
    return;
  }

  // Captures: a missing tool or a failed start skips that capture, unless required.
  std::vector<std::unique_ptr<Capture>> captures;
  ctx.start_mono_ns = monotonic_ns();
  for (const auto& spec : e.captures) {
    const CaptureKindInfo* kind = find_capture_kind(spec.kind);
    std::string why;
    if (!kind) {
      why = "capture kind \"" + spec.kind + "\" is not supported";
    } else if (!kind->tool.empty() && !process::find_in_path(kind->tool)) {
      why = fmt::format("{} is not installed (Debian package {})", kind->tool, kind->package);
    } else {
      auto cap = kind->make(spec);
      auto st = cap->start(ctx);
      if (st.ok()) {
        captures.push_back(std::move(cap));
        continue;
      }
      why = st.error().message();
    }
    (void)record_capture_failure(ctx, spec, "failed", why);
    if (spec.required) {
      for (auto& c : captures) (void)c->stop(ctx);
      restore_sysctls(restore);
      fail("required capture " + spec.kind + " failed: " + why);
      return;
    }
    note(fmt::format("capture {} skipped for {}: {}", spec.kind, e.name, why));
  }

  // Responder.
  std::unique_ptr<process::Child> responder;
  std::string responder_summary;
  auto rargv = responder_argv(lab, e, r.opt_.agent_path);
  auto stop_all = [&](const std::string& msg) {
    if (responder) responder->signal(SIGKILL);
    for (auto it = captures.rbegin(); it != captures.rend(); ++it) (void)(*it)->stop(ctx);
    restore_sysctls(restore);
    fail(msg);
  };
  if (!rargv.empty()) {
    process::SpawnSpec rs;
    rs.argv = rargv;
    rs.capture_stdout = true;
    auto child = r.launcher_.spawn(rs);
    if (!child.ok()) return stop_all("start responder: " + child.error().message());
    responder = std::move(*child);
    auto line = responder->read_line(5000ms);
    std::optional<AgentLine> first;
    if (line.ok() && *line) {
      auto parsed = parse_agent_line(**line);
      if (parsed.ok()) first = *parsed;
    }
    if (first && first->type == AgentLine::Type::error) {
      return stop_all("responder " + e.responder.kind +
                      " did not start: " + first->json.value("message", std::string("error")));
    }
    if (!first || first->type != AgentLine::Type::header) {
      responder->wait(1000ms).ok();
      std::string err = responder->stderr_text();
      while (!err.empty() && err.back() == '\n') err.pop_back();
      return stop_all("responder " + e.responder.kind + " did not start: " +
                      (err.empty() ? (line.ok() ? std::string("no output") : line.error().message()) : err));
    }
    ctx.agent_pids.push_back(responder->pid());
  }

  // Probe.
  auto pargv = probe_argv(lab, e, r.opt_.agent_path, *ctx.icmp_ident);
  for (auto& c : captures) c->wrap_probe(pargv, ctx);
  process::SpawnSpec ps;
  ps.argv = pargv;
  ps.capture_stdout = true;
  auto pchild = r.launcher_.spawn(ps);
  if (!pchild.ok()) return stop_all("start probe: " + pchild.error().message());
  auto& probe = *pchild;
  ctx.agent_pids.push_back(probe->pid());

  auto sink = r.store_.samples(rec.id);
  if (!sink.ok()) {
    probe->signal(SIGKILL);
    return stop_all(sink.error().message());
  }
  uint64_t done = 0, lost = 0;
  std::string agent_error;
  int signalled = 0;
  auto& hu = hist_user[e.name];
  auto& hk = hist_kernel[e.name];
  LatencyHistogram this_rep;
  auto last_progress = std::chrono::steady_clock::now();
  // Watchdog: the probe's own schedule plus its timeout plus slack; past
  // that it is stuck, and gets SIGTERM, then SIGKILL.
  uint64_t budget_ns =
      (e.duration_ns ? *e.duration_ns : (e.count ? *e.count + e.warmup : 0) * e.interval_ns) + e.timeout_ns +
      (e.count ? *e.count + e.warmup : 0) * 2'000'000ULL + 15'000'000'000ULL;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(budget_ns);
  while (true) {
    auto now_tp = std::chrono::steady_clock::now();
    if ((stop_requested() || now_tp > deadline) && signalled == 0) {
      if (!stop_requested()) agent_error = "probe did not finish within " + dur(budget_ns) + "; stopped";
      probe->signal(SIGTERM);
      signalled = 1;
      deadline = now_tp + 5s;
    } else if ((hard_stop() || now_tp > deadline) && signalled == 1) {
      probe->signal(SIGKILL);
      signalled = 2;
    }
    auto line = probe->read_line(200ms);
    if (!line.ok()) continue;  // no output for now: check the watchdog and signals again
    if (!*line) break;         // EOF
    if ((*line)->empty() || (**line)[0] != '{') continue;  // perf's own messages go to stderr; be lenient
    auto parsed = parse_agent_line(**line);
    if (!parsed.ok()) {
      agent_error = parsed.error().message();
      continue;
    }
    switch (parsed->type) {
      case AgentLine::Type::header: {
        ctx.probe_header_json = **line;
        rec.agent_json = **line;
        auto clk = parsed->json.value("clock", nlohmann::json::object());
        if (clk.contains("realtime_minus_monotonic_ns"))
          ctx.clock_offset_start_ns = clk["realtime_minus_monotonic_ns"].get<int64_t>();
        auto sock = parsed->json.value("socket", nlohmann::json::object());
        if (sock.contains("identifier") && sock["identifier"].is_number())
          ctx.icmp_ident = sock["identifier"].get<uint32_t>();
        break;
      }
      case AgentLine::Type::sample: {
        auto s = sample_from_json(parsed->json);
        if (!s.ok()) {
          agent_error = s.error().message();
          break;
        }
        auto st = (*sink)->add(*s);
        if (!st.ok()) {
          agent_error = st.error().message();
          probe->signal(SIGTERM);
          break;
        }
        if (s->status != store::SampleStatus::late) {  // a late line repeats a seq already counted as lost
          ++done;
          if (s->status != store::SampleStatus::ok) ++lost;
        }
        if (!s->warmup && s->status == store::SampleStatus::ok && s->rtt_user) {
          hu.add(*s->rtt_user);
          this_rep.add(*s->rtt_user);
          if (s->rtt_kernel) hk.add(*s->rtt_kernel);
        }
        auto now = std::chrono::steady_clock::now();
        if (now - last_progress > 200ms) {
          last_progress = now;
          ProgressEvent ev(ProgressEvent::Kind::samples);
          ev.position = pos + 1;
          ev.total = order.size();
          ev.experiment = e.name;
          ev.repetition = slot.repetition;
          ev.done = done;
          ev.expected = (e.count ? *e.count + e.warmup : 0);
          ev.lost = lost;
          ev.p50_ns = this_rep.quantile(0.5);
          r.progress_(ev);
        }
        break;
      }
      case AgentLine::Type::summary: {
        rec.summary_json = **line;
        const auto& j = parsed->json;
        ctx.samples_expected = j.value("sent", uint64_t{0});
        sum.sent += j.value("sent", uint64_t{0});
        sum.received += j.value("received", uint64_t{0});
        sum.lost += j.value("lost", uint64_t{0});
        sum.warmup += j.value("warmup", uint64_t{0});
        auto clk = j.value("clock_end", nlohmann::json::object());
        if (clk.contains("realtime_minus_monotonic_ns"))
          ctx.clock_offset_end_ns = clk["realtime_minus_monotonic_ns"].get<int64_t>();
        break;
      }
      case AgentLine::Type::error:
        agent_error = parsed->json.value("message", std::string("agent error"));
        break;
      case AgentLine::Type::other:
        break;
    }
  }
  auto code = probe->wait(10000ms);
  if (!code.ok()) {
    probe->signal(SIGKILL);
    code = probe->wait(2000ms);
  }
  auto flushed = (*sink)->flush();
  if (!flushed.ok() && agent_error.empty()) agent_error = flushed.error().message();
  ctx.end_mono_ns = monotonic_ns();
  rec.clock_offset_start_ns = ctx.clock_offset_start_ns;
  rec.clock_offset_end_ns = ctx.clock_offset_end_ns;

  if (responder) {
    responder->signal(SIGTERM);
    while (true) {
      auto line = responder->read_line(2000ms);
      if (!line.ok() || !*line) break;
      auto parsed = parse_agent_line(**line);
      if (parsed.ok() && parsed->type == AgentLine::Type::summary) responder_summary = **line;
    }
    (void)responder->wait(3000ms);
  }

  // Captures stop in reverse order, then ingest (skipped on a second interrupt).
  for (auto it = captures.rbegin(); it != captures.rend(); ++it) {
    auto st = (*it)->stop(ctx);
    if (!st.ok())
      note(fmt::format("capture {} for {}: stop: {}", (*it)->spec().kind, e.name, st.error().message()));
  }
  if (!hard_stop()) {
    for (auto& c : captures) {
      auto st = c->ingest(ctx);
      if (!st.ok()) {
        note(fmt::format("capture {} for {}: {}", c->spec().kind, e.name, st.error().message()));
        (void)record_capture_failure(ctx, c->spec(), "failed", st.error().message());
      }
    }
  }
  restore_sysctls(restore);

  if (!responder_summary.empty()) {
    auto j = nlohmann::json::parse(rec.summary_json.empty() ? "{}" : rec.summary_json, nullptr, false);
    if (j.is_object()) {
      j["responder"] = nlohmann::json::parse(responder_summary, nullptr, false);
      rec.summary_json = j.dump();
    }
  }
  rec.ended_ns = realtime_ns();
  int exit_code = code.ok() ? *code : -1;
  if (stop_requested()) {
    rec.status = "interrupted";
  } else if (exit_code != 0 || !agent_error.empty()) {
    rec.status = "failed";
    if (agent_error.empty()) {
      std::string err = probe->stderr_text();
      while (!err.empty() && err.back() == '\n') err.pop_back();
      auto nl = err.rfind('\n');
      agent_error =
          fmt::format("agent exited with code {}{}", exit_code,
                      err.empty() ? "" : ": " + (nl == std::string::npos ? err : err.substr(nl + 1)));
    }
    rec.error = agent_error;
    sum.errors.push_back(fmt::format("{} (repetition {}): {}", e.name, slot.repetition, agent_error));
  } else {
    rec.status = "complete";
  }
  (void)r.store_.finish_experiment(rec);

  ProgressEvent end(ProgressEvent::Kind::experiment_end);
  end.position = pos + 1;
  end.total = order.size();
  end.experiment = e.name;
  end.repetition = slot.repetition;
  end.done = done;
  end.expected = (e.count ? *e.count + e.warmup : 0);
  end.lost = lost;
  end.p50_ns = this_rep.quantile(0.5);
  end.text = rec.status == "complete" ? "" : rec.status + ": " + rec.error;
  r.progress_(end);
}

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

}  // namespace

Result<RunOutcome> Runner::run() {
  Impl impl(*this, *scenario_.lab);
  scenario::Lab& lab = impl.lab;
  if (opt_.repeat) lab.repeat = *opt_.repeat;
  uint64_t seed = lab.seed ? *lab.seed : std::random_device{}();
  impl.order = make_order(lab.experiments.size(), lab.repeat, lab.order, seed);

  // The run directory sits next to the store.
  auto now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  impl.run_dir = fmt::format("{}/{}-{}-{}", opt_.runs_root, lab.name, stamp, ::getpid());
  std::error_code ec;
  fs::create_directories(opt_.runs_root, ec);
  if (::mkdir(impl.run_dir.c_str(), 0700) != 0)
    return Error::from_errno("create run directory " + impl.run_dir, errno).exit(ExitCode::environment);

  store::RunRecord rr;
  rr.scenario_name = lab.name;
  rr.scenario_file = opt_.scenario_path;
  rr.scenario_text = scenario_.text;
  rr.scenario_hash = scenario_hash(scenario_.text);
  rr.latlab_version = LATLAB_VERSION;
  nlohmann::json host = {{"machine", machine_info()}};
  rr.host_json = host.dump();
  rr.started_ns = realtime_ns();
  rr.pid = ::getpid();
  rr.boot_id = store::current_boot_id();
  rr.seed = static_cast<int64_t>(seed & 0x7fffffffffffffffULL);
  nlohmann::json order = nlohmann::json::array();
  for (const auto& s : impl.order)
    order.push_back({{"experiment", lab.experiments[s.experiment].name}, {"repetition", s.repetition}});
  rr.order_json = order.dump();
  rr.run_dir = impl.run_dir;
  auto run_id = store_.begin_run(rr);
  if (!run_id.ok()) return run_id.error();
  impl.run_id = *run_id;

  RunOutcome out;
  out.run_id = impl.run_id;
  out.run_dir = impl.run_dir;

  // Up.
  auto plan = topology::make_plan(lab);
  topology::Engine engine(ops_, states_);
  topology::ApplyOptions apply;
  apply.scenario_path = opt_.scenario_path;
  apply.cancel = &interrupts().cancel;
  auto t0 = std::chrono::steady_clock::now();
  auto up = engine.up(lab, plan, apply);
  if (!up.ok()) {
    out.status = interrupts().count.load() > 0 ? "interrupted" : "failed";
    out.error = up.error().message();
    (void)store_.finish_run(impl.run_id, out.status, out.error);
    return up.error();
  }
  {
    ProgressEvent ev(ProgressEvent::Kind::lab_up);
    ev.text = fmt::format("lab \"{}\" is up ({} actions in {:.3f} s)", lab.name, plan.actions.size(),
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    progress_(ev);
  }
  if (auto missing = wait_for_carrier(lab, ops_, std::chrono::milliseconds(3000)); !missing.empty())
    impl.note("warning: no carrier after 3 s on " + missing);
  host["lab"] = lab_settings(lab, ops_);
  (void)store_.set_run_host(impl.run_id, host.dump());

  for (size_t pos = 0; pos < impl.order.size(); ++pos) {
    if (impl.stop_requested()) break;
    impl.run_experiment(pos, impl.order[pos]);
  }

  // Down (even when interrupted), unless asked to keep the lab.
  std::string down_error;
  if (!opt_.keep_lab) {
    ProgressEvent ev(ProgressEvent::Kind::teardown);
    ev.text = fmt::format("tearing down lab \"{}\"", lab.name);
    progress_(ev);
    auto down = engine.down(lab.name);
    if (!down.ok()) down_error = down.error().message();
  }

  bool any_failed = false;
  for (auto& [name, s] : impl.summaries) {
    s.p50_ns = impl.hist_user[name].quantile(0.5);
    s.p99_ns = impl.hist_user[name].quantile(0.99);
    s.p50_kernel_ns = impl.hist_kernel[name].quantile(0.5);
    any_failed = any_failed || !s.errors.empty();
  }
  for (const auto& e : lab.experiments)
    if (impl.summaries.count(e.name)) out.experiments.push_back(impl.summaries[e.name]);
  if (impl.stop_requested()) {
    out.status = "interrupted";
    out.error = "interrupted by signal " + std::to_string(interrupts().last_signal.load());
  } else if (any_failed || !down_error.empty()) {
    out.status = "failed";
    out.error = !down_error.empty() ? "teardown: " + down_error : "some experiments failed";
  } else {
    out.status = "complete";
  }
  if (!down_error.empty() && out.status == "interrupted") out.error += "; teardown: " + down_error;
  (void)store_.finish_run(impl.run_id, out.status, out.error);
  return out;
}

}  // namespace latlab::run
