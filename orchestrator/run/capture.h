// Captures taken while an experiment runs: tcpdump, perf, trace, counters.
// Each kind lives in its own file (capture_<kind>.cpp) and is listed once in
// capture_registry(); the runner drives them through this interface:
//   start -> (wrap_probe) -> probe runs -> stop -> ingest
// A capture that fails is recorded in the store with its reason; the run goes
// on unless the scenario marks the capture required.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process/process.h"
#include "scenario/model.h"
#include "store/store.h"
#include "util/result.h"

namespace latlab::run {

// What a capture knows about the experiment it records.
struct ExperimentContext {
  const scenario::Lab* lab = nullptr;
  const scenario::Experiment* exp = nullptr;
  int64_t experiment_id = 0;
  int64_t repetition = 0;
  std::string dir;  // this experiment's directory for capture files (mode 0700)
  store::ResultStore* store = nullptr;
  process::ProcessLauncher* launcher = nullptr;
  std::string agent_path;  // absolute path of latlab-agent

  // Set by the runner as the experiment goes.
  std::vector<pid_t> agent_pids;                 // probe and responder processes
  int64_t start_mono_ns = 0;                     // CLOCK_MONOTONIC when captures started
  int64_t end_mono_ns = 0;                       // ... and when the probe ended
  std::optional<int64_t> clock_offset_start_ns;  // realtime - monotonic (agent header)
  std::optional<int64_t> clock_offset_end_ns;    // (agent summary)
  std::optional<uint32_t> icmp_ident;            // the probe's ICMP identifier, when it reports one
  uint64_t samples_expected = 0;                 // requests the probe sent
  std::string probe_header_json;                 // the agent's header line

  // The path that enters the node's namespace (topology::netns_path), "" for the root namespace.
  std::string netns_path(const std::string& node) const;
};

class Capture {
 public:
  explicit Capture(scenario::CaptureSpec spec) : spec_(std::move(spec)) {}
  virtual ~Capture() = default;
  const scenario::CaptureSpec& spec() const { return spec_; }

  // Before responders and the probe start. Fails when the tool is missing.
  virtual Status start(ExperimentContext& ctx) = 0;
  // A capture may wrap the probe's command (perf record -- latlab-agent ...).
  virtual void wrap_probe(std::vector<std::string>& /*argv*/, ExperimentContext& /*ctx*/) {}
  // Right after the probe started, with its PID (a probe exec'd inside a
  // container cannot be wrapped: perf attaches to it instead).
  virtual void probe_started(ExperimentContext& /*ctx*/, pid_t /*pid*/) {}
  // After the probe finished and responders stopped.
  virtual Status stop(ExperimentContext& ctx) = 0;
  // Parses what was captured and writes it to the store, including one
  // `captures` row saying what was captured (or why not).
  virtual Status ingest(ExperimentContext& ctx) = 0;

 private:
  scenario::CaptureSpec spec_;
};

struct CaptureKindInfo {
  std::string name;
  std::string tool;     // executable it needs ("" = none)
  std::string package;  // Debian package that provides the tool
  std::unique_ptr<Capture> (*make)(const scenario::CaptureSpec& spec);
};

const std::vector<CaptureKindInfo>& capture_registry();
const CaptureKindInfo* find_capture_kind(const std::string& name);

// Capture kind factories, one per file.
std::unique_ptr<Capture> make_tcpdump_capture(const scenario::CaptureSpec& spec);
std::unique_ptr<Capture> make_perf_capture(const scenario::CaptureSpec& spec);
std::unique_ptr<Capture> make_trace_capture(const scenario::CaptureSpec& spec);
std::unique_ptr<Capture> make_counters_capture(const scenario::CaptureSpec& spec);

// Records a failed or skipped capture in the store.
Status record_capture_failure(ExperimentContext& ctx, const scenario::CaptureSpec& spec,
                              const std::string& status, const std::string& error);

int64_t monotonic_ns();
int64_t realtime_ns();

}  // namespace latlab::run
