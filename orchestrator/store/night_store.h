// The nightly tables of the store (schema version 2): nights, the runs each
// night made, each gated metric's value and verdict per night, and named
// baselines. Read and written through the store's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace latlab::store {

struct NightRecord {
  int64_t id = 0;
  std::string suite;
  std::string suite_file;
  std::string suite_hash;
  std::string status = "running";  // running | complete | incomplete | aborted
  int64_t started_ns = 0;          // CLOCK_REALTIME
  std::optional<int64_t> ended_ns;
  std::string host_fingerprint;
  std::string host_json = "{}";  // what the fingerprint is made of
  std::string kernel;
  std::string latlab_version;
  int64_t pid = 0;
  std::string boot_id;
  std::string note;  // an expected change starts here
  std::optional<int64_t> note_ns;
  std::optional<int64_t> exit_code;
  std::string error;
};

struct NightRunRecord {
  int64_t night_id = 0;
  std::string scenario;  // lab name
  std::optional<int64_t> run_id;
  std::string status;  // the run's, or "failed" when it could not start
  std::string error;
};

// One gated metric of one experiment on one night.
struct NightMetricRecord {
  int64_t night_id = 0;
  std::string scenario;
  std::string experiment;
  std::string metric;                       // p50 | p99 | loss
  std::string measurement;                  // key of how it was measured (probe, endpoints, schedule, wait)
  std::string measurement_json;             // those fields
  std::string system_json;                  // what was measured: scenario hash, responder delay, sysctls
  int64_t n = 0;                            // repetitions with a value
  std::optional<double> mean, se2;          // comparison scale: log ns, or loss %
  std::optional<double> center, low, high;  // display scale: ns or %, its interval
  std::string values_json = "[]";           // the repetitions' values
  std::string verdict;
  std::optional<double> estimate, estimate_low, estimate_high, floor;
  std::string baseline_json = "[]";  // night ids compared with
  std::string change_json;           // the change point, when one is found
  std::string reason;
};

struct BaselineRecord {
  std::string name;
  std::string suite;
  std::vector<int64_t> nights;
  int64_t created_ns = 0;
  std::string note;
};

struct GcResult {
  std::vector<int64_t> runs;          // removed
  std::vector<std::string> run_dirs;  // their directories (the caller removes them)
  size_t kept_for_baselines = 0;
};

class NightStore {
 public:
  explicit NightStore(SqliteStore& s) : db_(s.db()) {}

  Result<int64_t> begin_night(const NightRecord& n);
  Status finish_night(int64_t id, const std::string& status, int exit_code, const std::string& error);
  Status add_night_run(const NightRunRecord& r);
  Status put_metric(const NightMetricRecord& m);
  Status set_note(int64_t night_id, const std::string& note, int64_t now_ns);

  // Nights of a suite in order (all suites when empty); last > 0: the latest ones only.
  Result<std::vector<NightRecord>> nights(const std::string& suite, int64_t last = 0);
  Result<std::optional<NightRecord>> night(int64_t id);
  Result<std::vector<NightRunRecord>> night_runs(int64_t night_id);
  // Every night's record of one metric of one experiment, in night order.
  Result<std::vector<NightMetricRecord>> history(const std::string& suite, const std::string& scenario,
                                                 const std::string& experiment, const std::string& metric);
  Result<std::vector<NightMetricRecord>> metrics_of(int64_t night_id);

  Status set_baseline(const BaselineRecord& b);
  Result<std::optional<BaselineRecord>> baseline(const std::string& name);
  Result<std::vector<BaselineRecord>> baselines();
  Result<bool> clear_baseline(const std::string& name);

  // Removes runs that ended before cutoff_ns, except those of nights that a
  // baseline names and runs still running; nights keep their metrics.
  Result<GcResult> gc(int64_t cutoff_ns, bool dry_run);

 private:
  Db& db_;
};

}  // namespace latlab::store
