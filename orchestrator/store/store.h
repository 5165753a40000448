// The results store: one SQLite file (WAL). The writer side used by `latlab
// run` and the reader side used by reports. ResultStore is the boundary the
// run pipeline depends on; SqliteStore is the real one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/sqlite_db.h"

namespace latlab::store {

// The store path: --db, else $LATLAB_DB, else ./latlab.db.
std::string default_db_path(const std::string& flag_value);

class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual Status add(const SampleRecord& s) = 0;
  // Commits what is buffered (called on a timer and at the end).
  virtual Status flush() = 0;
};

class ResultStore {
 public:
  virtual ~ResultStore() = default;
  virtual Result<int64_t> begin_run(const RunRecord& run) = 0;
  virtual Status finish_run(int64_t run_id, const std::string& status, const std::string& error) = 0;
  virtual Status set_run_order(int64_t run_id, const std::string& order_json) = 0;
  virtual Status set_run_host(int64_t run_id, const std::string& host_json) = 0;
  virtual Result<int64_t> begin_experiment(const ExperimentRecord& e) = 0;
  virtual Status finish_experiment(const ExperimentRecord& e) = 0;
  // Samples of one experiment, written in batched transactions.
  virtual Result<std::unique_ptr<SampleSink>> samples(int64_t experiment_id) = 0;
  // Wire times of many samples, in one transaction.
  virtual Status set_wire_times(int64_t experiment_id, const std::vector<WireTimeRecord>& times) = 0;
  virtual Result<int64_t> add_capture(const CaptureRecord& c) = 0;
  virtual Status add_counters(int64_t experiment_id, const std::vector<CounterRecord>& c) = 0;
  virtual Status add_stacks(int64_t experiment_id, const std::vector<StackRecord>& s) = 0;
  virtual Status add_trace_events(int64_t experiment_id, const std::vector<TraceEventRecord>& ev) = 0;
  virtual Status add_load(const LoadRecord& l) = 0;
};

class SqliteStore : public ResultStore {
 public:
  // Opens or creates the file, migrates it, and marks runs whose process
  // died (or whose machine rebooted) as aborted.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, bool create = true);
  // Read-only: for reports on a store the user cannot write.
  static Result<std::unique_ptr<SqliteStore>> open_read_only(const std::string& path);
  // Read-only as an immutable snapshot (Db::open_immutable).
  static Result<std::unique_ptr<SqliteStore>> open_snapshot(const std::string& path);

  Result<int64_t> begin_run(const RunRecord& run) override;
  Status finish_run(int64_t run_id, const std::string& status, const std::string& error) override;
  Status set_run_order(int64_t run_id, const std::string& order_json) override;
  Status set_run_host(int64_t run_id, const std::string& host_json) override;
  Result<int64_t> begin_experiment(const ExperimentRecord& e) override;
  Status finish_experiment(const ExperimentRecord& e) override;
  Result<std::unique_ptr<SampleSink>> samples(int64_t experiment_id) override;
  Status set_wire_times(int64_t experiment_id, const std::vector<WireTimeRecord>& times) override;
  Result<int64_t> add_capture(const CaptureRecord& c) override;
  Status add_counters(int64_t experiment_id, const std::vector<CounterRecord>& c) override;
  Status add_stacks(int64_t experiment_id, const std::vector<StackRecord>& s) override;
  Status add_trace_events(int64_t experiment_id, const std::vector<TraceEventRecord>& ev) override;
  Status add_load(const LoadRecord& l) override;

  // Reader side.
  Result<std::vector<RunRecord>> runs(const std::string& scenario = "", int64_t last = 0);
  Result<RunRecord> run(int64_t id);
  Result<std::vector<ExperimentRecord>> experiments(int64_t run_id);
  // Streams samples in seq order; memory does not grow with the count.
  Status for_each_sample(int64_t experiment_id, const std::function<void(const SampleRecord&)>& fn);
  Result<std::vector<CaptureRecord>> captures(int64_t experiment_id);
  Result<std::vector<CounterRecord>> counters(int64_t experiment_id);
  Result<std::vector<StackRecord>> stacks(int64_t experiment_id);
  Result<std::vector<TraceEventRecord>> trace_events(int64_t experiment_id);
  Result<std::vector<LoadRecord>> loads(int64_t experiment_id);
  // Runs marked aborted by the last open().
  const std::vector<int64_t>& aborted_on_open() const { return aborted_; }
  Status integrity_check();
  Db& db() { return db_; }

 private:
  explicit SqliteStore(Db db) : db_(std::move(db)) {}
  Status mark_dead_runs();
  Db db_;
  std::vector<int64_t> aborted_;
};

// A store opened for reading (reports). A WAL store needs its -shm file: when
// the user may not create it (a store written by root in a directory they
// cannot write), the file is read as an immutable snapshot, which does not see
// what is still only in the -wal file.
struct StoreReader {
  std::unique_ptr<SqliteStore> store;
  bool snapshot = false;
  uintmax_t unseen_wal_bytes = 0;  // snapshot only: the size of the -wal file
};
Result<StoreReader> open_for_reading(const std::string& path);

// /proc/sys/kernel/random/boot_id: tells a reboot apart from a live process.
std::string current_boot_id();

}  // namespace latlab::store
