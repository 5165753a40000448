// `latlab run`: validate -> up -> for each experiment and repetition, in a
// recorded order: counters and captures start, responders start, the probe
// runs (samples streamed into the store), captures stop, ingest -> down.
// One repetition's stages are an ExperimentRun (run/experiment_run.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "docker/container_runtime.h"
#include "process/process.h"
#include "run/agent_argv.h"
#include "scenario/load.h"
#include "store/store.h"
#include "topology/engine.h"
#include "topology/journal.h"
#include "topology/netlink_ops.h"

namespace latlab::run {

struct RunOptions {
  std::string scenario_path;
  std::optional<uint32_t> repeat;  // overrides the scenario's repeat
  bool keep_lab = false;
  std::string agent_path;  // latlab-agent
  std::string runs_root;   // where run directories (captures) go
  // The container engine, for labs with docker nodes (not owned; nullptr: none).
  docker::ContainerRuntime* runtime = nullptr;
  // A lab across machines (cli/run_command.cpp): how its parts are built and
  // removed (the error of down; "" = none). Unset: this machine's Engine.
  std::function<Result<topology::LabState>(topology::Engine&, const scenario::Lab&, const topology::ApplyOptions&)> up;
  std::function<std::string(topology::Engine&, const std::string&)> down;
};

// One line of the run's summary table: an experiment over its repetitions.
struct ExperimentSummary {
  std::string name;
  std::string probe;
  std::string path_kind;
  uint32_t repetitions = 0;
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t lost = 0;
  uint64_t warmup = 0;
  std::optional<double> p50_ns;  // user RTT, measured samples only (about 1% resolution)
  std::optional<double> p99_ns;
  std::optional<double> p50_kernel_ns;
  std::vector<std::string> errors;
  bool host_lost = false;  // an agent on another host lost its SSH connection (the run is incomplete)
};

struct RunOutcome {
  int64_t run_id = 0;
  std::string status;  // complete | incomplete (a host dropped out; stored as failed) | interrupted | failed
  std::string error;
  std::string run_dir;
  std::vector<ExperimentSummary> experiments;
};

// Progress events: the CLI renders them (a bar on a terminal, lines in a pipe).
struct ProgressEvent {
  enum class Kind { lab_up, experiment_start, samples, experiment_end, teardown, note };
  Kind kind = Kind::note;
  explicit ProgressEvent(Kind k) : kind(k) {}
  size_t position = 0;  // 1-based slot
  size_t total = 0;
  std::string experiment;
  uint32_t repetition = 0;
  uint64_t done = 0;      // samples so far
  uint64_t expected = 0;  // 0 = unknown (duration-bound)
  uint64_t lost = 0;
  std::optional<double> p50_ns;
  std::string text;
};
using ProgressFn = std::function<void(const ProgressEvent&)>;

class Runner {
 public:
  Runner(const scenario::LoadResult& scenario, RunOptions opt, topology::NetlinkOps& ops,
         topology::FileStateStore& states, store::ResultStore& store, process::ProcessLauncher& launcher,
         ProgressFn progress);
  // Errors are for failures before the run is recorded (lab cannot be built
  // is recorded as a failed run and also returned). A store write that fails
  // later stops the run: status "failed", error naming the store and the cause.
  Result<RunOutcome> run();

 private:
  struct Impl;
  const scenario::LoadResult& scenario_;
  RunOptions opt_;
  topology::NetlinkOps& ops_;
  topology::FileStateStore& states_;
  store::ResultStore& store_;
  process::ProcessLauncher& launcher_;
  ProgressFn progress_;
};

// 64-bit FNV-1a of the text, as "fnv1a64:<16 hex>".
std::string scenario_hash(const std::string& text);
// How an experiment is taken, as stored in the experiments table's params_json:
// probe, target, schedule, how probe and responder wait, min_effect, sysctls.
nlohmann::json experiment_params(const scenario::Experiment& e);

}  // namespace latlab::run
