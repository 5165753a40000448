// The background loads of one experiment repetition, run with iperf3: a
// one-off server in each target node, a client in each source node, started
// before the probe's warm-up and run for the probe's whole schedule. While
// they run, the backlog of each load's egress qdisc is read and its peak kept;
// at the end each load's iperf3 JSON and what it achieved go to the store.
#pragma once

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

// Where an experiment's agents and loads run: the probe and the load never
// share a CPU unless the scenario says so (a load's own "cpus").
struct CpuPlan {
  std::optional<int> probe;      // --cpu of every probe
  std::optional<int> responder;  // --cpu of every user-space responder
  std::vector<std::vector<int>> loads;
};

// The CPUs latlab may run on (its affinity mask).
std::vector<int> allowed_cpus();
// Without loads: the scenario's cpu settings as they are. With loads: the
// probe (and its responder) on the scenario's CPU, else on the last allowed
// one; each load on its "cpus", else on every allowed CPU the probe and
// responder leave. An error when a load is left none.
Result<CpuPlan> plan_cpus(const scenario::Experiment& e, const std::vector<int>& allowed);

// How long iperf3's clients run: the ramp, the probe's schedule, and a margin
// so that the load outlasts the last probe (iperf3 takes whole seconds).
uint64_t load_seconds(uint64_t probe_schedule_ns);
// The time given to a load to fill its queues before the probe's warm-up.
inline constexpr uint64_t kLoadRampNs = 500'000'000;

// The iperf3 command lines (argv, without the namespace).
std::vector<std::string> iperf_server_argv(const scenario::LoadSpec& l);
std::vector<std::string> iperf_client_argv(const scenario::LoadSpec& l, uint64_t seconds);
// What a load achieved, from iperf3's JSON; an error when it has none (its
// "error" text when it gives one).
Status read_iperf_result(const std::string& json_text, const scenario::LoadSpec& l, store::LoadRecord& rec);

class LoadSet {
 public:
  LoadSet(const scenario::Lab& lab, const scenario::Experiment& e, process::ProcessLauncher& launcher,
          std::string dir);
  LoadSet(const LoadSet&) = delete;
  LoadSet& operator=(const LoadSet&) = delete;
  ~LoadSet();  // kills whatever still runs

  // Starts every load (servers first, each listening before its client
  // starts), then waits the ramp. A load that cannot start fails the whole
  // set: what started is killed, and the error names the load.
  Status start(const CpuPlan& cpus, uint64_t probe_schedule_ns);
  // Reads the loads' egress qdisc backlogs, at most every 100 ms.
  void watch();
  // Waits for the clients' natural end (they outlast the probe), stops the
  // servers and writes one loads row each. The error is a store write that
  // failed; a load that failed is recorded and listed in problems().
  Status finish(store::ResultStore& store, int64_t experiment_id);
  // Kills every iperf3 at once (an experiment that is abandoned).
  void kill();
  // After a start that failed: one loads row each, "failed" with the cause
  // for the load that could not start, "not started" for the others, so the
  // store says which load stopped the experiment.
  Status record_failed_start(store::ResultStore& store, int64_t experiment_id);
  const std::vector<std::string>& problems() const { return problems_; }
  std::vector<pid_t> pids() const;

 private:
  struct Running {
    const scenario::LoadSpec* spec = nullptr;
    std::unique_ptr<process::Child> server;
    std::unique_ptr<process::Child> client;
    std::string json_file;
    std::string cpus;
    int64_t started_ns = 0;
    int64_t peak_backlog_bytes = 0;
    int64_t peak_qlen = 0;
  };
  Status start_one(Running& r, const std::vector<int>& cpus, uint64_t seconds);
  store::LoadRecord base_record(size_t i, int64_t experiment_id) const;

  const scenario::Lab& lab_;
  const scenario::Experiment& exp_;
  process::ProcessLauncher& launcher_;
  std::string dir_;
  std::vector<Running> running_;
  std::vector<std::string> problems_;
  std::optional<std::pair<size_t, std::string>> start_failure_;  // the load that could not start, and why
  int64_t last_watch_ns_ = 0;
  int64_t deadline_ns_ = 0;  // CLOCK_MONOTONIC when the clients should have ended
};

}  // namespace latlab::run
