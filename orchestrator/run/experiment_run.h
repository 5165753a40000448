// One repetition of one experiment, in stages:
//   record and prepare (run directory, sysctls) -> captures start ->
//   responder start -> probe (samples streamed into the store) ->
//   responder stop -> captures stop and ingest -> finish (status, record).
// A stage before the probe that fails ends the experiment: what had started
// is stopped, the sysctls are restored and the record says why; the run goes
// on. A store write that fails, in any stage, ends the experiment the same
// way and is returned: the run stops there and is failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "docker/container_runtime.h"
#include "run/capture.h"
#include "run/checked_store.h"
#include "run/latency_histogram.h"
#include "run/load.h"
#include "run/order.h"
#include "process/process.h"
#include "run/runner.h"
#include "scenario/model.h"
#include "topology/netlink_ops.h"

namespace latlab::run {

// What the experiments of one run share.
struct RunScope {
  const scenario::Lab* lab = nullptr;
  int64_t run_id = 0;
  std::string run_dir;
  size_t slots = 0;  // length of the run's order
  std::string agent_path;
  topology::NetlinkOps* ops = nullptr;
  CheckedStore* store = nullptr;
  process::ProcessLauncher* launcher = nullptr;
  docker::ContainerRuntime* runtime = nullptr;  // for agents exec'd inside containers
  ProgressFn progress;
};

// An experiment's figures over the repetitions run so far.
struct ExperimentTally {
  ExperimentSummary summary;
  LatencyHistogram user;  // user RTT of measured samples that were answered
  LatencyHistogram kernel;
};

struct AgentLine;
struct LineQueue;

class ExperimentRun {
 public:
  ExperimentRun(const RunScope& run, size_t position, const Slot& slot, ExperimentTally& tally);
  ExperimentRun(const ExperimentRun&) = delete;
  ExperimentRun& operator=(const ExperimentRun&) = delete;
  ~ExperimentRun();

  // Every stage in order. An error is a store write that failed (the run
  // must stop); any other failure is recorded and returns Ok.
  Status run();

 private:
  struct SysctlUndo {
    std::string ns, name, value;
  };

  // Stages.
  Status begin_record();
  Status prepare();
  Status start_captures();
  Status start_responder();
  Status start_load();
  Status start_probe();
  void stream_probe();
  void finish_load();
  void stop_responder();
  void stop_and_ingest_captures();
  Status finish();
  Status abandon(const std::string& why);

  // Parts of stages.
  Status apply_sysctls();
  void restore_sysctls();
  Status start_capture(const scenario::CaptureSpec& spec);
  Status await_responder_header(const std::string& node, process::Child& responder);
  std::string on_host(const std::string& node) const;
  void note_lost_host(const std::string& node, int exit_code);
  static constexpr int kSshFailed = 255;
  void on_probe_line(size_t pair, const std::string& raw);
  void on_header(size_t pair, const std::string& raw, const AgentLine& line);
  void on_sample(size_t pair, const AgentLine& line);
  void on_summary(size_t pair, const std::string& raw, const AgentLine& line);
  std::string merged_summary() const;
  void end_probe();
  void stop_captures();
  void ingest_captures();
  void settle_status();
  void record_end();

  // Helpers.
  Result<std::unique_ptr<process::Child>> spawn_agent(const std::string& node, std::vector<std::string> argv,
                                                      const std::string& what);
  Error store_failed(Error e);
  void adopt_store_failure();
  std::string label() const;
  void note(const std::string& text) const;
  ProgressEvent event(ProgressEvent::Kind kind) const;
  void report_samples();
  bool stop_requested() const;
  bool hard_stop() const;

  const RunScope& run_;
  const scenario::Experiment& exp_;
  size_t position_;
  uint32_t repetition_;
  ExperimentTally& tally_;

  store::ExperimentRecord rec_;
  ExperimentContext ctx_;
  std::vector<SysctlUndo> restore_;
  std::vector<std::unique_ptr<Capture>> captures_;
  // One probe of the experiment's pairs.
  struct PairRun {
    std::unique_ptr<process::Child> child;
    std::string summary;
    int exit_code = -1;
    std::string wrapper;  // the tool a capture runs the agent under ("perf record"), if one does
  };
  std::vector<std::unique_ptr<process::Child>> responders_;
  std::vector<std::string> responder_summaries_;
  std::vector<std::string> responder_nodes_;  // the node of each responder
  std::vector<PairRun> probes_;
  std::unique_ptr<store::SampleSink> sink_;
  CpuPlan cpus_;
  std::unique_ptr<LoadSet> loads_;
  size_t queue_peak_ = 0;  // the most agent lines waiting to be stored at once

  // What the probe stage saw.
  uint64_t done_ = 0;  // samples (a late line repeats one already counted)
  uint64_t lost_ = 0;
  LatencyHistogram this_rep_;
  std::chrono::steady_clock::time_point last_progress_;
  std::string agent_error_;  // the last thing the agent (or its output) got wrong
  std::optional<Error> store_error_;  // the first store write of this experiment that failed
};

}  // namespace latlab::run
