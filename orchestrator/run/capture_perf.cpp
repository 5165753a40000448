// Capture kind "perf": the probe runs under
//   perf record -g -e cpu-clock -F 4999 -o <dir>/perf-<exp>.data -- <probe argv>
// (a probe exec'd inside a container: perf record -p <its PID> from the host)
// and its samples are folded FlameGraph-style (perf_fold.h) into `stacks`.
// cpu-clock is a software event: it works in VMs where the hardware cycle
// counter is missing, so it is the one event we use (the summary says so).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

#include "run/capture.h"
#include "run/counters_read.h"
#include "run/perf_fold.h"

namespace latlab::run {

namespace {

constexpr const char* perf_event = "cpu-clock";
constexpr int perf_frequency = 4999;

std::string trim_text(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  auto nl = s.rfind('\n');
  // The last line of perf's stderr is the one that says why.
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

// Whether `perf record` works here, checked once per process: perf may be
// installed but refused by perf_event_paranoid, seccomp or a missing PMU.
Status perf_usable(process::ProcessLauncher& launcher, const std::string& perf) {
  static std::mutex mu;
  static std::optional<Status> cached;
  std::lock_guard<std::mutex> lock(mu);
  if (cached) return *cached;
  process::SpawnSpec s;
  s.argv = {perf, "record", "-q", "-e", perf_event, "-o", "/dev/null", "--", "true"};
  auto child = launcher.spawn(s);
  if (!child.ok()) {
    cached = Status(child.error().with_context("perf: check that perf record works"));
    return *cached;
  }
  auto rc = (*child)->wait(std::chrono::seconds(20));
  if (!rc.ok()) {
    cached = Status(rc.error().with_context("perf: check that perf record works"));
  } else if (*rc != 0) {
    std::string paranoid = "?";
    if (auto p = read_text_file("/proc/sys/kernel/perf_event_paranoid"); p.ok()) paranoid = trim_text(*p);
    cached = Status(Error("perf: `perf record -e " + std::string(perf_event) + "` fails here (exit " +
                              std::to_string(*rc) + ", kernel.perf_event_paranoid=" + paranoid +
                              "): " + trim_text((*child)->stderr_text()),
                          0, ExitCode::environment));
  } else {
    cached = Status(Ok{});
  }
  return *cached;
}

class PerfCapture : public Capture {
 public:
  using Capture::Capture;

  Status start(ExperimentContext& ctx) override {
    auto perf = process::find_in_path("perf");
    if (!perf)
      return Error("perf is not installed (Debian package linux-perf)", ENOENT, ExitCode::environment);
    perf_ = *perf;
    LATLAB_TRY(perf_usable(*ctx.launcher, perf_));
    if (auto p = read_text_file("/proc/sys/kernel/perf_event_paranoid"); p.ok()) paranoid_ = trim_text(*p);
    file_ = ctx.dir + "/perf-" + std::to_string(ctx.experiment_id) + ".data";
    ::unlink(file_.c_str());
    ready_ = true;
    return Ok{};
  }

  void wrap_probe(std::vector<std::string>& argv, ExperimentContext& ctx) override {
    if (!ready_ || argv.empty()) return;
    const scenario::Node* from = ctx.lab ? ctx.lab->find_node(ctx.exp->from_node) : nullptr;
    if (from && from->agent_exec) {
      attach_ = true;  // exec'd inside its container: perf attaches to its PID from the host
      return;
    }
    std::vector<std::string> w = {perf_, "record",   "-q", "-g",
                                  "-e",  perf_event, "-F", std::to_string(perf_frequency),
                                  "-o",  file_,      "--"};
    w.insert(w.end(), argv.begin(), argv.end());
    argv = std::move(w);
    wrapped_ = true;
  }

  void probe_started(ExperimentContext& ctx, pid_t pid) override {
    if (!attach_ || pid <= 0) return;
    process::SpawnSpec s;
    s.argv = {perf_, "record", "-q", "-g", "-e", perf_event, "-F", std::to_string(perf_frequency),
              "-o", file_, "-p", std::to_string(pid)};
    auto child = ctx.launcher->spawn(s);
    if (child.ok()) {
      attached_ = std::move(*child);
      wrapped_ = true;
    }
  }

  Status stop(ExperimentContext&) override {
    // perf record ends with the probe it wraps; the runner waited for it. One
    // attached to a probe in a container ends with it too, or on SIGINT.
    if (attached_) {
      if (!attached_->wait(std::chrono::seconds(2)).ok()) {
        attached_->signal(SIGINT);
        (void)attached_->wait(std::chrono::seconds(20));
      }
      attached_.reset();
    }
    if (wrapped_) ::chmod(file_.c_str(), 0600);
    return Ok{};
  }

  Status ingest(ExperimentContext& ctx) override {
    if (!ready_) return Ok{};  // start() failed; the runner recorded why
    if (!wrapped_) return fail(ctx, "perf: the probe was not run under perf record");
    struct stat st {};
    if (::stat(file_.c_str(), &st) != 0)
      return fail(ctx, Error::from_errno("perf: " + file_, errno).message());

    process::SpawnSpec s;
    s.argv = {
        perf_,        "script", "-i", file_, "-F", "comm,pid,tid,period,ip,sym,dso", "--show-lost-events",
        "--no-inline"};
    s.capture_stdout = true;
    auto child = ctx.launcher->spawn(s);
    if (!child.ok()) return fail(ctx, child.error().with_context("perf script").message());
    PerfFolder folder;
    while (true) {
      auto line = (*child)->read_line(std::chrono::seconds(60));
      if (!line.ok()) return fail(ctx, line.error().with_context("perf script -i " + file_).message());
      if (!line->has_value()) break;
      folder.feed_line(**line);
    }
    folder.finish();
    auto rc = (*child)->wait(std::chrono::seconds(30));
    if (!rc.ok()) return fail(ctx, rc.error().with_context("perf script").message());
    if (*rc != 0)
      return fail(ctx, "perf script -i " + file_ + ": exit " + std::to_string(*rc) + ": " +
                           trim_text((*child)->stderr_text()));

    auto stacks = folder.stacks();
    std::vector<store::StackRecord> recs;
    recs.reserve(stacks.size());
    for (auto& f : stacks) recs.push_back({std::move(f.stack), f.weight});
    if (auto r = ctx.store->add_stacks(ctx.experiment_id, recs); !r.ok())
      return r.error().with_context("perf: stacks");

    nlohmann::json summary = {
        {"event", perf_event},
        {"frequency_hz", perf_frequency},
        {"weight_unit", "period (ns of cpu-clock)"},
        {"samples", folder.samples()},
        {"stacks", folder.unique_stacks()},
        {"total_weight", folder.total_weight()},
        {"lost", folder.lost()},
        {"samples_without_period", folder.samples_without_period()},
        {"unrecognized_lines", folder.unrecognized_lines()},
        {"perf_event_paranoid", paranoid_},
        {"data_bytes", static_cast<int64_t>(st.st_size)},
    };
    store::CaptureRecord c;
    c.experiment_id = ctx.experiment_id;
    c.kind = spec().kind;
    c.file = file_;
    c.status = "ok";
    c.summary_json = summary.dump();
    if (folder.samples() == 0) c.error = "perf: no samples recorded (the probe used almost no CPU)";
    auto r = ctx.store->add_capture(c);
    if (!r.ok()) return r.error().with_context("perf: captures row");
    return Ok{};
  }

 private:
  // The runner records a failed ingest in the store (captures row "failed").
  static Status fail(ExperimentContext&, const std::string& error) { return Error(error); }

  std::string perf_;
  std::string file_;
  std::string paranoid_ = "?";
  bool ready_ = false;
  bool wrapped_ = false;
  bool attach_ = false;                       // the probe runs in a container: attach by PID
  std::unique_ptr<process::Child> attached_;  // that perf record
};

}  // namespace

std::unique_ptr<Capture> make_perf_capture(const scenario::CaptureSpec& spec) {
  return std::make_unique<PerfCapture>(spec);
}

}  // namespace latlab::run
