// The store as `latlab run` writes it: every write goes to the real store,
// and the first one that fails is kept. Captures write through it too, so the
// runner learns of a refused write whichever stage made it, even one whose
// result a capture folded into its own error: a refused write stops the
// experiment and fails the run, never leaves it silently short.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/result.h"

namespace latlab::run {

class CheckedStore final : public store::ResultStore {
 public:
  explicit CheckedStore(store::ResultStore& inner) : inner_(inner) {}
  CheckedStore(const CheckedStore&) = delete;
  CheckedStore& operator=(const CheckedStore&) = delete;

  // The first write the store refused, with the store's own message.
  const std::optional<Error>& failure() const { return failure_; }
  bool failed() const { return failure_.has_value(); }

  Result<int64_t> begin_run(const store::RunRecord& run) override;
  Status finish_run(int64_t run_id, const std::string& status, const std::string& error) override;
  Status set_run_order(int64_t run_id, const std::string& order_json) override;
  Status set_run_host(int64_t run_id, const std::string& host_json) override;
  Result<int64_t> begin_experiment(const store::ExperimentRecord& e) override;
  Status finish_experiment(const store::ExperimentRecord& e) override;
  Result<std::unique_ptr<store::SampleSink>> samples(int64_t experiment_id) override;
  Status set_wire_times(int64_t experiment_id, const std::vector<store::WireTimeRecord>& times) override;
  Result<int64_t> add_capture(const store::CaptureRecord& c) override;
  Status add_counters(int64_t experiment_id, const std::vector<store::CounterRecord>& c) override;
  Status add_stacks(int64_t experiment_id, const std::vector<store::StackRecord>& s) override;
  Status add_trace_events(int64_t experiment_id, const std::vector<store::TraceEventRecord>& ev) override;
  Status add_load(const store::LoadRecord& l) override;

  // Keeps r's error when it is the first; returns r.
  template <typename R>
  R check(R r) {
    if (!r.ok() && !failure_) failure_ = r.error();
    return r;
  }

 private:
  store::ResultStore& inner_;
  std::optional<Error> failure_;
};

}  // namespace latlab::run
