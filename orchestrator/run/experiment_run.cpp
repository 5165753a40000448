#include "run/experiment_run.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <deque>
#include <mutex>
#include <thread>

#include "run/agent_stream.h"
#include "run/signals.h"
#include "scenario/kinds.h"
#include "scenario/units.h"

namespace latlab::run {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

// The probe's watchdog. A probe gets its own schedule (count x interval, or
// its duration) plus its reply timeout, plus:
//  - per request: back-to-back probes (interval 0) have no schedule at all,
//    and paced requests go out late on a busy CPU; 2 ms a request is far
//    above any round trip in a lab, so only a stuck probe runs out of it.
constexpr uint64_t kWatchdogSlackPerRequestNs = 2'000'000;
//  - once: the agent's start-up (entering the namespace, perf record starting
//    it, the first ARP) and its summary at the end.
constexpr uint64_t kWatchdogStartupSlackNs = 15'000'000'000;
// After SIGTERM the agent prints its summary and exits at once; one that has
// not after this long is stuck and gets SIGKILL.
constexpr auto kProbeTermGrace = 5s;
// How long a read of the probe's output waits: the watchdog and Ctrl-C are
// checked at least this often.
constexpr auto kProbePoll = 200ms;
// How often progress lines report the samples so far.
constexpr auto kProgressEvery = 200ms;
// After EOF on its output the probe exits unless a wrapper (perf record
// writing its file) is still busy; then it is killed.
constexpr auto kProbeExitWait = 10s;
constexpr auto kKilledExitWait = 2s;
// A user-space responder prints its header once it listens.
constexpr auto kResponderStartTimeout = 5s;
// A responder that did not start: time to exit, so its stderr says why.
constexpr auto kResponderFailWait = 1s;
// After SIGTERM a responder prints its summary, then exits.
constexpr auto kResponderLineWait = 2s;
constexpr auto kResponderExitWait = 3s;

// How the probe ended, as the shell reports it (128 + N is signal N), and
// through what: a probe under `perf record` dies with it.
std::string probe_exit_text(int code, const std::string& wrapper) {
  const std::string how = process::exit_text(code);
  return wrapper.empty() ? "agent " + how : wrapper + ", which runs the agent, " + how;
}

uint64_t requests_of(const scenario::Experiment& e) { return e.count ? *e.count + e.warmup : 0; }

uint64_t schedule_ns(const scenario::Experiment& e) {
  return e.duration_ns ? *e.duration_ns : requests_of(e) * e.interval_ns;
}

uint64_t probe_budget_ns(const scenario::Experiment& e) {
  uint64_t requests = requests_of(e);
  return schedule_ns(e) + e.timeout_ns + requests * kWatchdogSlackPerRequestNs + kWatchdogStartupSlackNs;
}

// Stops a probe that outlives its budget, or that is asked to stop (Ctrl-C,
// a store that refuses its samples): SIGTERM, then SIGKILL after a grace
// period (at once on a second Ctrl-C).
class ProbeWatchdog {
 public:
  explicit ProbeWatchdog(uint64_t budget_ns)
      : budget_ns_(budget_ns), deadline_(Clock::now() + std::chrono::nanoseconds(budget_ns)) {}

  // The error to record when the probe ran out of its budget.
  std::optional<std::string> poll(process::Child& probe, bool stop, bool kill) {
    auto now = Clock::now();
    if (signalled_ == 0 && (stop || now > deadline_)) {
      probe.signal(SIGTERM);
      signalled_ = 1;
      deadline_ = now + kProbeTermGrace;
      if (!stop) return "probe did not finish within " + scenario::format_duration(budget_ns_) + "; stopped";
    } else if (signalled_ == 1 && (kill || now > deadline_)) {
      probe.signal(SIGKILL);
      signalled_ = 2;
    }
    return std::nullopt;
  }

 private:
  uint64_t budget_ns_;
  Clock::time_point deadline_;
  int signalled_ = 0;  // 1: SIGTERM sent, 2: SIGKILL sent
};

std::string without_trailing_newlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

store::ExperimentRecord record_of(const scenario::Lab& lab, const scenario::Experiment& e, int64_t run_id,
                                  size_t position, uint32_t repetition) {
  store::ExperimentRecord rec;
  rec.run_id = run_id;
  rec.name = e.name;
  rec.repetition = repetition;
  rec.position = static_cast<int64_t>(position);
  rec.probe = e.probe;
  rec.path_kind = scenario::path_kind_name(e.path_kind);
  rec.from_node = e.from_node;
  rec.from_kind = lab.find_node(e.from_node)->kind;
  rec.to_node = e.to_node;
  if (const scenario::Node* tn = lab.find_node(e.to_node)) rec.to_kind = tn->kind;
  rec.target = e.target.str();
  rec.egress = e.egress;
  nlohmann::json params = experiment_params(e);
  if (!e.pairs.empty()) rec.to_node = e.pairs[0].to_node;
  // How the agents ran in a container: exec'd inside it, or from the host through setns.
  std::string agent;
  auto mode = [&](const std::string& node) -> std::string {
    const scenario::Node* n = lab.find_node(node);
    if (n == nullptr || (!n->agent_exec && !n->agent_setns)) return "";  // not a container
    return n->agent_exec ? "exec" : "setns";
  };
  const std::string probe_mode = mode(e.from_node);
  const scenario::ResponderKind* rk = scenario::find_responder_kind(e.responder.kind);
  const std::string resp_mode = rk && rk->user_space() ? mode(e.responder.node) : "";
  if (!probe_mode.empty() || !resp_mode.empty()) {
    agent = probe_mode.empty() ? "host" : probe_mode;
    if (!resp_mode.empty() && resp_mode != agent) agent += "/" + resp_mode;
    params["agent"] = agent;
  }
  rec.params_json = params.dump();
  return rec;
}

}  // namespace

// Agent lines from the probes' reader threads, in arrival order; an empty
// line (nullopt) is a probe's end of output. Bounded: when the writer falls
// this far behind, the readers wait (and the agents' pipes fill), so memory
// stays bounded whatever the probes send.
struct LineQueue {
  static constexpr size_t kMaxLines = 1 << 16;
  std::mutex mu;
  std::condition_variable cv;
  std::condition_variable space;
  std::deque<std::pair<size_t, std::optional<std::string>>> lines;

  void push(size_t pair, std::optional<std::string> line) {
    {
      std::unique_lock<std::mutex> lock(mu);
      space.wait(lock, [&] { return lines.size() < kMaxLines; });
      lines.emplace_back(pair, std::move(line));
    }
    cv.notify_one();
  }
  // What arrived, waiting up to timeout for the first; and how many were waiting.
  size_t take(std::deque<std::pair<size_t, std::optional<std::string>>>& out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, timeout, [&] { return !lines.empty(); });
    size_t n = lines.size();
    out.swap(lines);
    space.notify_all();
    return n;
  }
};

ExperimentRun::ExperimentRun(const RunScope& run, size_t position, const Slot& slot, ExperimentTally& tally)
    : run_(run),
      exp_(run.lab->experiments[slot.experiment]),
      position_(position),
      repetition_(slot.repetition),
      tally_(tally) {}

ExperimentRun::~ExperimentRun() = default;

Status ExperimentRun::run() {
  ExperimentSummary& sum = tally_.summary;
  sum.name = exp_.name;
  sum.probe = exp_.probe;
  sum.path_kind = scenario::path_kind_name(exp_.path_kind);
  ++sum.repetitions;
  run_.progress(event(ProgressEvent::Kind::experiment_start));

  if (auto st = begin_record(); !st.ok()) {
    sum.errors.push_back(label() + ": " + st.error().message());
    note(fmt::format("experiment {} failed: {}", label(), st.error().message()));
    return Error(label() + ": " + st.error().message());
  }
  Status st = prepare();
  if (st.ok()) st = start_captures();
  if (st.ok()) st = start_responder();
  if (st.ok()) st = start_load();
  if (st.ok()) st = start_probe();
  if (!st.ok()) return abandon(st.error().message());
  stream_probe();
  finish_load();
  stop_responder();
  stop_and_ingest_captures();
  restore_sysctls();
  return finish();
}

// ---------------------------------------------------------------- prepare

Status ExperimentRun::begin_record() {
  rec_ = record_of(*run_.lab, exp_, run_.run_id, position_, repetition_);
  rec_.started_ns = realtime_ns();
  auto id = run_.store->begin_experiment(rec_);
  if (!id.ok()) return store_failed(id.error().with_context("record start"));
  rec_.id = *id;
  return Ok{};
}

Status ExperimentRun::prepare() {
  ctx_.lab = run_.lab;
  ctx_.exp = &exp_;
  ctx_.experiment_id = rec_.id;
  ctx_.repetition = repetition_;
  ctx_.dir = fmt::format("{}/{:03}-{}-r{}", run_.run_dir, position_, exp_.name, repetition_);
  ctx_.store = run_.store;
  ctx_.launcher = run_.launcher;
  ctx_.agent_path = run_.agent_path;
  ctx_.icmp_ident =
      static_cast<uint32_t>((run_.run_id * 7919 + static_cast<int64_t>(position_) * 31 + 1) & 0xffff);
  if (::mkdir(ctx_.dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Error::from_errno("create " + ctx_.dir, errno);
  auto cpus = plan_cpus(exp_, allowed_cpus());
  if (!cpus.ok()) return cpus.error();
  cpus_ = *cpus;
  return apply_sysctls();
}

Status ExperimentRun::apply_sysctls() {
  for (const auto& [node, list] : exp_.sysctls) {
    const scenario::Node* n = run_.lab->find_node(node);
    for (const auto& s : list) {
      // Machine-wide sysctls exist only in the root namespace's /proc/sys.
      std::string ns = s.global ? std::string() : n->netns_name;
      auto old = run_.ops->read_sysctl(ns, s.name);
      if (!old.ok())
        return Error(fmt::format("node \"{}\": read sysctl {}: {}", node, s.name, old.error().message()));
      auto w = run_.ops->write_sysctl(ns, s.name, s.value);
      if (!w.ok())
        return Error(
            fmt::format("node \"{}\": set sysctl {} = {}: {}", node, s.name, s.value, w.error().message()));
      restore_.push_back({ns, s.name, *old});
    }
  }
  return Ok{};
}

void ExperimentRun::restore_sysctls() {
  for (auto it = restore_.rbegin(); it != restore_.rend(); ++it) {
    auto w = run_.ops->write_sysctl(it->ns, it->name, it->value);
    if (!w.ok()) note("warning: restore sysctl " + it->name + ": " + w.error().message());
  }
  restore_.clear();
}

// ---------------------------------------------------------------- captures start

// A capture that cannot start is recorded and skipped, unless required.
Status ExperimentRun::start_captures() {
  ctx_.start_mono_ns = monotonic_ns();
  for (const auto& spec : exp_.captures) {
    auto started = start_capture(spec);
    if (started.ok()) continue;
    const std::string& why = started.error().message();
    if (auto st = record_capture_failure(ctx_, spec, "failed", why); !st.ok())
      return store_failed(st.error().with_context("capture " + spec.kind));
    if (spec.required) return Error("required capture " + spec.kind + " failed: " + why);
    note(fmt::format("capture {} skipped for {}: {}", spec.kind, exp_.name, why));
  }
  return Ok{};
}

Status ExperimentRun::start_capture(const scenario::CaptureSpec& spec) {
  const CaptureKindInfo* kind = find_capture_kind(spec.kind);
  if (!kind) return Error("capture kind \"" + spec.kind + "\" is not supported");
  if (!kind->tool.empty() && !process::find_in_path(kind->tool))
    return Error(fmt::format("{} is not installed (Debian package {})", kind->tool, kind->package));
  auto cap = kind->make(spec);
  LATLAB_TRY(cap->start(ctx_));
  captures_.push_back(std::move(cap));
  return Ok{};
}

// ---------------------------------------------------------------- responder start

// One user-space responder per node the pairs' probes go to (one serves
// every probe that reaches it).
Status ExperimentRun::start_responder() {
  std::vector<std::string> nodes;
  for (const auto& p : exp_.pairs)
    if (!p.responder_node.empty() && std::find(nodes.begin(), nodes.end(), p.responder_node) == nodes.end())
      nodes.push_back(p.responder_node);
  if (exp_.pairs.empty()) nodes.push_back(exp_.responder.node.empty() ? exp_.to_node : exp_.responder.node);
  for (const auto& node : nodes) {
    auto argv = responder_argv(*run_.lab, exp_, node, run_.agent_path, cpus_.responder);
    if (argv.empty()) return Ok{};  // the kernel answers
    auto child = spawn_agent(node, std::move(argv), "responder");
    if (!child.ok()) return child.error();
    responders_.push_back(std::move(*child));
    responder_nodes_.push_back(node);
    LATLAB_TRY(await_responder_header(node, *responders_.back()));
    ctx_.agent_pids.push_back(responders_.back()->pid());
  }
  return Ok{};
}

// The responder's first line is its header once it listens, or why it cannot.
Status ExperimentRun::await_responder_header(const std::string& node, process::Child& responder) {
  auto line = responder.read_line(kResponderStartTimeout);
  std::optional<AgentLine> first;
  if (line.ok() && *line) {
    auto parsed = parse_agent_line(**line);
    if (parsed.ok()) first = *parsed;
  }
  const std::string failed = on_host(node) + "responder " + exp_.responder.kind + " did not start: ";
  if (first && first->type == AgentLine::Type::error)
    return Error(failed + error_message_of(first->json, "error"));
  if (first && first->type == AgentLine::Type::header) return Ok{};
  auto code = responder.wait(kResponderFailWait);  // only so that its stderr is complete
  std::string err = without_trailing_newlines(responder.stderr_text());
  if (code.ok()) note_lost_host(node, *code);
  if (!on_host(node).empty() && code.ok() && *code == kSshFailed)
    return Error(failed + "ssh failed (exit 255): " + process::last_stderr_line(err));
  if (!err.empty()) return Error(failed + err);
  return Error(failed + (line.ok() ? std::string("no output") : line.error().message()));
}

// ---------------------------------------------------------------- probe

// Background load, once the responders listen and before the probe's warm-up.
Status ExperimentRun::start_load() {
  if (exp_.load.empty()) return Ok{};
  loads_ = std::make_unique<LoadSet>(*run_.lab, exp_, *run_.launcher, ctx_.dir);
  return loads_->start(cpus_, schedule_ns(exp_));
}

// Every pair's probe; captures wrap the first (with pairs, only counters run).
Status ExperimentRun::start_probe() {
  auto sink = run_.store->samples(rec_.id);
  if (!sink.ok()) return store_failed(sink.error());
  sink_ = std::move(*sink);
  scenario::ProbePair own;
  own.from_node = exp_.from_node;
  own.target = exp_.target;
  const size_t n = exp_.pairs.empty() ? 1 : exp_.pairs.size();
  for (size_t i = 0; i < n; ++i) {
    const scenario::ProbePair& pair = exp_.pairs.empty() ? own : exp_.pairs[i];
    auto argv = probe_argv(*run_.lab, exp_, pair, run_.agent_path,
                           static_cast<uint32_t>((*ctx_.icmp_ident + i) & 0xffff), cpus_.probe);
    const std::string agent_argv0 = argv.empty() ? "" : argv[0];
    if (i == 0)
      for (auto& c : captures_) c->wrap_probe(argv, ctx_);
    std::string wrapper;
    if (!argv.empty() && argv[0] != agent_argv0)
      wrapper = fs::path(argv[0]).filename().string() + (argv.size() > 1 ? " " + argv[1] : "");
    auto child = spawn_agent(pair.from_node, std::move(argv), n == 1 ? "probe" : fmt::format("probe {}", i));
    if (!child.ok()) return child.error();
    ctx_.agent_pids.push_back((*child)->pid());
    probes_.push_back(PairRun{std::move(*child), "", -1, std::move(wrapper)});
    if (i == 0)
      for (auto& c : captures_) c->probe_started(ctx_, probes_[0].child->pid());
  }
  return Ok{};
}

// Reads every probe's lines until EOF, streaming their samples into the
// store: one reader thread a probe, one writer (this thread).
void ExperimentRun::stream_probe() {
  LineQueue queue;
  std::vector<std::thread> readers;
  for (size_t i = 0; i < probes_.size(); ++i) {
    readers.emplace_back([&queue, i, child = probes_[i].child.get()] {
      while (true) {
        auto line = child->read_line(kProbePoll);
        if (!line.ok()) continue;  // no output for now
        queue.push(i, *line);
        if (!*line) return;  // EOF
      }
    });
  }
  std::vector<ProbeWatchdog> watchdogs(probes_.size(), ProbeWatchdog(probe_budget_ns(exp_)));
  std::vector<bool> open(probes_.size(), true);
  size_t still_open = probes_.size();
  last_progress_ = Clock::now();
  std::deque<std::pair<size_t, std::optional<std::string>>> batch;
  while (still_open > 0) {
    for (size_t i = 0; i < probes_.size(); ++i) {
      if (!open[i]) continue;
      if (auto overran = watchdogs[i].poll(*probes_[i].child, stop_requested() || store_error_, hard_stop()))
        agent_error_ = *overran;
    }
    if (loads_) loads_->watch();
    queue_peak_ = std::max(queue_peak_, queue.take(batch, kProbePoll));
    for (auto& [i, line] : batch) {
      if (!line) {
        open[i] = false;
        --still_open;
      } else {
        const bool failed_before = store_error_.has_value();
        on_probe_line(i, *line);
        if (store_error_ && !failed_before)  // stop every probe now, not after the batch
          for (size_t k = 0; k < probes_.size(); ++k)
            if (open[k]) (void)watchdogs[k].poll(*probes_[k].child, true, hard_stop());
      }
    }
    batch.clear();
  }
  for (auto& t : readers) t.join();
  end_probe();
}

void ExperimentRun::on_probe_line(size_t pair, const std::string& raw) {
  if (raw.empty() || raw[0] != '{') return;  // perf's own messages go to stderr; be lenient
  auto parsed = parse_agent_line(raw);
  if (!parsed.ok()) {
    agent_error_ = parsed.error().message();
    return;
  }
  switch (parsed->type) {
    case AgentLine::Type::header:
      on_header(pair, raw, *parsed);
      break;
    case AgentLine::Type::sample:
      on_sample(pair, *parsed);
      break;
    case AgentLine::Type::summary:
      on_summary(pair, raw, *parsed);
      break;
    case AgentLine::Type::error:
      agent_error_ = error_message_of(parsed->json, "agent error");
      break;
    case AgentLine::Type::other:
      break;
  }
}

void ExperimentRun::on_header(size_t pair, const std::string& raw, const AgentLine& line) {
  if (pair != 0) return;  // the record keeps the first probe's header
  ctx_.probe_header_json = raw;
  rec_.agent_json = raw;
  const AgentHeader h = header_from_json(line.json);
  if (h.clock_offset_ns) ctx_.clock_offset_start_ns = *h.clock_offset_ns;
  if (h.icmp_ident) ctx_.icmp_ident = *h.icmp_ident;
}

void ExperimentRun::on_sample(size_t pair, const AgentLine& line) {
  if (store_error_) return;  // the store refuses samples: the watchdog is stopping the probe
  auto s = sample_from_json(line.json);
  if (!s.ok()) {
    agent_error_ = s.error().message();
    return;
  }
  s->pair = static_cast<int64_t>(pair);
  if (auto st = sink_->add(*s); !st.ok()) {
    store_failed(st.error());
    return;
  }
  if (s->status != store::SampleStatus::late) {  // a late line repeats a seq already counted as lost
    ++done_;
    if (s->status != store::SampleStatus::ok) ++lost_;
  }
  if (!s->warmup && s->status == store::SampleStatus::ok && s->rtt_user) {
    tally_.user.add(*s->rtt_user);
    this_rep_.add(*s->rtt_user);
    if (s->rtt_kernel) tally_.kernel.add(*s->rtt_kernel);
  }
  report_samples();
}

void ExperimentRun::on_summary(size_t pair, const std::string& raw, const AgentLine& line) {
  probes_[pair].summary = raw;
  const AgentSummary s = summary_from_json(line.json);
  ctx_.samples_expected += s.sent;
  ExperimentSummary& sum = tally_.summary;
  sum.sent += s.sent;
  sum.received += s.received;
  sum.lost += s.lost;
  sum.warmup += s.warmup;
  if (pair == 0 && s.clock_offset_end_ns) ctx_.clock_offset_end_ns = *s.clock_offset_end_ns;
}

// The first probe's summary line; with several probes, their totals and
// each one's line under "pairs".
std::string ExperimentRun::merged_summary() const {
  if (probes_.size() <= 1) return probes_.empty() ? "" : probes_[0].summary;
  auto merged = nlohmann::json::parse(probes_[0].summary.empty() ? "{}" : probes_[0].summary, nullptr, false);
  if (!merged.is_object()) merged = nlohmann::json::object();
  nlohmann::json each = nlohmann::json::array();
  AgentSummary totals;
  for (const auto& p : probes_) {
    auto j = nlohmann::json::parse(p.summary.empty() ? "null" : p.summary, nullptr, false);
    const AgentSummary s = summary_from_json(j);
    totals.sent += s.sent;
    totals.received += s.received;
    totals.lost += s.lost;
    totals.warmup += s.warmup;
    each.push_back(j.is_discarded() ? nlohmann::json() : j);
  }
  merged["sent"] = totals.sent;
  merged["received"] = totals.received;
  merged["lost"] = totals.lost;
  merged["warmup"] = totals.warmup;
  merged["pairs"] = each;
  return merged.dump();
}

// After EOF: the probes' exits, the last samples committed, the clock offsets.
void ExperimentRun::end_probe() {
  for (auto& p : probes_) {
    auto code = p.child->wait(kProbeExitWait);
    if (!code.ok()) {
      p.child->signal(SIGKILL);
      code = p.child->wait(kKilledExitWait);
    }
    p.exit_code = code.ok() ? *code : -1;
  }
  rec_.summary_json = merged_summary();
  if (auto st = sink_->flush(); !st.ok()) store_failed(st.error());
  ctx_.end_mono_ns = monotonic_ns();
  rec_.clock_offset_start_ns = ctx_.clock_offset_start_ns;
  rec_.clock_offset_end_ns = ctx_.clock_offset_end_ns;
}

// ---------------------------------------------------------------- responder stop

// The loads outlast the last probe: wait for their end and store them. A
// load that failed fails the experiment (it was not measured under it).
void ExperimentRun::finish_load() {
  if (!loads_) return;
  if (auto st = loads_->finish(*run_.store, rec_.id); !st.ok()) store_failed(st.error().with_context("load"));
  if (!loads_->problems().empty() && agent_error_.empty()) agent_error_ = loads_->problems().front();
}

void ExperimentRun::stop_responder() {
  for (size_t i = 0; i < responders_.size(); ++i) {
    auto& responder = responders_[i];
    const std::string& node = responder_nodes_[i];
    const bool remote = !on_host(node).empty();
    if (remote && responder->exited()) {
      // Gone before it was asked: its host dropped out (ssh's 255) or it died.
      auto code = responder->wait(kResponderExitWait);
      if (code.ok()) note_lost_host(node, *code);
      const std::string err = process::last_stderr_line(responder->stderr_text());
      if (agent_error_.empty() && code.ok())
        agent_error_ = on_host(node) + "responder: " +
                       (*code == kSshFailed ? std::string("ssh failed (exit 255)")
                                            : process::exit_text(*code)) +
                       (err.empty() ? "" : ": " + err);
      responder_summaries_.emplace_back();
      continue;
    }
    // On another host: EOF on its wrapper's stdin ends it there, and its
    // summary still comes back over the session.
    if (remote)
      responder->close_stdin();
    else
      responder->signal(SIGTERM);
    std::string summary;
    while (true) {
      auto line = responder->read_line(kResponderLineWait);
      if (!line.ok() || !*line) break;
      auto parsed = parse_agent_line(**line);
      if (parsed.ok() && parsed->type == AgentLine::Type::summary) summary = **line;
    }
    responder_summaries_.push_back(summary);
    (void)responder->wait(kResponderExitWait);  // a responder that does not exit is killed with the Child
  }
}

// ---------------------------------------------------------------- captures stop and ingest

// Captures stop in reverse order, then ingest (skipped on a second
// interrupt, and once the store refuses writes).
void ExperimentRun::stop_and_ingest_captures() {
  stop_captures();
  if (!hard_stop() && !store_error_) ingest_captures();
}

void ExperimentRun::stop_captures() {
  for (auto it = captures_.rbegin(); it != captures_.rend(); ++it) {
    auto st = (*it)->stop(ctx_);
    if (!st.ok())
      note(fmt::format("capture {} for {}: stop: {}", (*it)->spec().kind, exp_.name, st.error().message()));
  }
}

// A capture that cannot be ingested is recorded as failed and the experiment
// goes on; a store write that failed (whatever the capture made of it) ends it.
void ExperimentRun::ingest_captures() {
  for (auto& c : captures_) {
    const std::string& kind = c->spec().kind;
    auto st = c->ingest(ctx_);
    if (run_.store->failed()) {  // the capture's error says what it wrote; one that dropped it, we say
      store_failed(st.ok() ? run_.store->failure()->with_context("capture " + kind) : st.error());
      return;
    }
    if (st.ok()) continue;
    note(fmt::format("capture {} for {}: {}", kind, exp_.name, st.error().message()));
    if (auto r = record_capture_failure(ctx_, c->spec(), "failed", st.error().message()); !r.ok()) {
      store_failed(r.error().with_context("capture " + kind));
      return;
    }
  }
}

// ---------------------------------------------------------------- finish

Status ExperimentRun::finish() {
  if (!responder_summaries_.empty() || probes_.size() > 1 || loads_) {
    auto j = nlohmann::json::parse(rec_.summary_json.empty() ? "{}" : rec_.summary_json, nullptr, false);
    if (j.is_object()) {
      if (!responder_summaries_.empty() && !responder_summaries_[0].empty())
        j["responder"] = nlohmann::json::parse(responder_summaries_[0], nullptr, false);
      if (responder_summaries_.size() > 1) {
        j["responders"] = nlohmann::json::array();
        for (const auto& s : responder_summaries_) j["responders"].push_back(nlohmann::json::parse(s, nullptr, false));
      }
      if (probes_.size() > 1 || loads_) j["ingest"] = {{"queued_lines_peak", queue_peak_}, {"queued_lines_limit", LineQueue::kMaxLines}};
      rec_.summary_json = j.dump();
    }
  }
  rec_.ended_ns = realtime_ns();
  settle_status();
  record_end();

  ProgressEvent end = event(ProgressEvent::Kind::experiment_end);
  end.done = done_;
  end.lost = lost_;
  end.p50_ns = this_rep_.quantile(0.5);
  end.text = rec_.status == "complete" ? "" : rec_.status + ": " + rec_.error;
  run_.progress(end);
  if (store_error_) return Error(label() + ": " + store_error_->message());
  return Ok{};
}

// A store that refused a write fails the experiment even when interrupted:
// what the user asked for is not all in the store.
void ExperimentRun::settle_status() {
  adopt_store_failure();
  if (store_error_) {
    rec_.status = "failed";
    rec_.error = store_error_->message();
  } else if (stop_requested()) {
    rec_.status = "interrupted";
    return;
  } else if (std::any_of(probes_.begin(), probes_.end(), [](const PairRun& p) { return p.exit_code != 0; }) ||
             !agent_error_.empty()) {
    rec_.status = "failed";
    if (agent_error_.empty()) {
      size_t i = 0;
      while (i + 1 < probes_.size() && probes_[i].exit_code == 0) ++i;
      std::string err = without_trailing_newlines(probes_[i].child->stderr_text());
      auto nl = err.rfind('\n');
      const std::string& node = exp_.pairs.empty() ? exp_.from_node : exp_.pairs[i].from_node;
      note_lost_host(node, probes_[i].exit_code);
      const bool lost = !on_host(node).empty() && probes_[i].exit_code == kSshFailed;
      agent_error_ = fmt::format("{}{}{}{}", on_host(node), probes_.size() > 1 ? fmt::format("probe {}: ", i) : "",
                                 lost ? std::string("ssh failed (exit 255)")
                                      : probe_exit_text(probes_[i].exit_code, probes_[i].wrapper),
                                 err.empty() ? "" : ": " + (nl == std::string::npos ? err : err.substr(nl + 1)));
    }
    rec_.error = agent_error_;
  } else {
    rec_.status = "complete";
    return;
  }
  tally_.summary.errors.push_back(label() + ": " + rec_.error);
}

// Writes the experiment's end; a store that refuses it fails the experiment.
void ExperimentRun::record_end() {
  auto st = run_.store->finish_experiment(rec_);
  if (st.ok() || store_error_) return;  // already failed on an earlier write, and said so
  store_failed(st.error().with_context("record end"));
  rec_.status = "failed";
  rec_.error = store_error_->message();
  tally_.summary.errors.push_back(label() + ": " + rec_.error);
}

// A stage before the probe failed: stop what started, restore the sysctls
// and record why.
Status ExperimentRun::abandon(const std::string& why) {
  for (auto& p : probes_) p.child->signal(SIGKILL);
  if (loads_) {
    loads_->kill();
    if (auto st = loads_->record_failed_start(*run_.store, rec_.id); !st.ok()) store_failed(st.error().with_context("load"));
  }
  for (auto& r : responders_) r->signal(SIGKILL);
  stop_captures();
  restore_sysctls();
  adopt_store_failure();
  rec_.status = stop_requested() && !store_error_ ? "interrupted" : "failed";
  rec_.error = why;
  rec_.ended_ns = realtime_ns();
  tally_.summary.errors.push_back(label() + ": " + why);
  note(fmt::format("experiment {} failed: {}", label(), why));
  bool failed_before = store_error_.has_value();
  if (auto st = run_.store->finish_experiment(rec_); !st.ok() && !failed_before) {
    store_failed(st.error().with_context("record end"));
    tally_.summary.errors.push_back(label() + ": " + store_error_->message());
  }
  if (store_error_) return Error(label() + ": " + store_error_->message());
  return Ok{};
}

// ---------------------------------------------------------------- helpers

// An agent whose output is read line by line.
// An agent whose output is read line by line: exec'd inside the node's
// container when its agent runs there (argv then names /latlab-agent),
// started by the launcher otherwise.
Result<std::unique_ptr<process::Child>> ExperimentRun::spawn_agent(const std::string& node,
                                                                   std::vector<std::string> argv,
                                                                   const std::string& what) {
  const scenario::Node* n = run_.lab->find_node(node);
  if (n != nullptr && n->agent_exec) {
    if (run_.runtime == nullptr) return Error("start " + what + ": no Docker engine to exec it in " + node);
    if (argv.empty() || argv[0] != agent_in_container())
      return Error("start " + what + " in container " + n->netns_name +
                   ": a capture wraps the agent (perf), which runs only from the host; set \"agent\": \"setns\" "
                   "on node " + node);
    docker::ExecSpec spec;
    spec.argv = std::move(argv);
    spec.capture_stdout = true;
    auto child = run_.runtime->exec(n->netns_name, spec);
    if (!child.ok()) return Error("start " + what + " in container " + n->netns_name + ": " + child.error().message());
    return child;
  }
  process::SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.capture_stdout = true;
  if (n != nullptr && n->host != scenario::kLocalHost) spec.host = n->host;
  auto child = run_.launcher->spawn(spec);
  if (!child.ok()) return Error("start " + what + ": " + child.error().message());
  return child;
}

// `host "h1" (root@198.18.200.6:22): ` for a node on another host, "" here.
std::string ExperimentRun::on_host(const std::string& node) const {
  const scenario::Node* n = run_.lab->find_node(node);
  if (n == nullptr || n->host == scenario::kLocalHost) return "";
  const scenario::Host* h = run_.lab->find_host(n->host);
  if (h == nullptr) return "host \"" + n->host + "\": ";
  return fmt::format("host \"{}\" ({}{}:{}): ", h->name, h->user.empty() ? "" : h->user + "@", h->address, h->port);
}

// ssh's own exit code (255) from an agent on another host: its host dropped out.
void ExperimentRun::note_lost_host(const std::string& node, int exit_code) {
  if (exit_code == kSshFailed && !on_host(node).empty()) tally_.summary.host_lost = true;
}

// A write that failed where no stage looked (a capture that dropped the
// result) fails the experiment all the same.
void ExperimentRun::adopt_store_failure() {
  if (run_.store->failed() && !store_error_) store_error_ = *run_.store->failure();
}

Error ExperimentRun::store_failed(Error e) {
  if (!store_error_) store_error_ = e;
  return e;
}

std::string ExperimentRun::label() const { return fmt::format("{} (repetition {})", exp_.name, repetition_); }

void ExperimentRun::note(const std::string& text) const {
  ProgressEvent ev(ProgressEvent::Kind::note);
  ev.text = text;
  run_.progress(ev);
}

ProgressEvent ExperimentRun::event(ProgressEvent::Kind kind) const {
  ProgressEvent ev(kind);
  ev.position = position_ + 1;
  ev.total = run_.slots;
  ev.experiment = exp_.name;
  ev.repetition = repetition_;
  ev.expected = requests_of(exp_);
  return ev;
}

void ExperimentRun::report_samples() {
  auto now = Clock::now();
  if (now - last_progress_ <= kProgressEvery) return;
  last_progress_ = now;
  ProgressEvent ev = event(ProgressEvent::Kind::samples);
  ev.done = done_;
  ev.lost = lost_;
  ev.p50_ns = this_rep_.quantile(0.5);
  run_.progress(ev);
}

bool ExperimentRun::stop_requested() const { return interrupts().count.load() > 0; }
bool ExperimentRun::hard_stop() const { return interrupts().count.load() > 1; }

}  // namespace latlab::run
