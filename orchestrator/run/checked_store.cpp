#include "run/checked_store.h"

namespace latlab::run {

namespace {

// A sample sink whose refused writes the CheckedStore keeps.
class CheckedSink final : public store::SampleSink {
 public:
  CheckedSink(std::unique_ptr<store::SampleSink> inner, CheckedStore& owner)
      : inner_(std::move(inner)), owner_(owner) {}
  Status add(const store::SampleRecord& s) override { return owner_.check(inner_->add(s)); }
  Status flush() override { return owner_.check(inner_->flush()); }

 private:
  std::unique_ptr<store::SampleSink> inner_;
  CheckedStore& owner_;
};

}  // namespace

Result<int64_t> CheckedStore::begin_run(const store::RunRecord& run) { return check(inner_.begin_run(run)); }

Status CheckedStore::finish_run(int64_t run_id, const std::string& status, const std::string& error) {
  return check(inner_.finish_run(run_id, status, error));
}

Status CheckedStore::set_run_order(int64_t run_id, const std::string& order_json) {
  return check(inner_.set_run_order(run_id, order_json));
}

Status CheckedStore::set_run_host(int64_t run_id, const std::string& host_json) {
  return check(inner_.set_run_host(run_id, host_json));
}

Result<int64_t> CheckedStore::begin_experiment(const store::ExperimentRecord& e) {
  return check(inner_.begin_experiment(e));
}

Status CheckedStore::finish_experiment(const store::ExperimentRecord& e) {
  return check(inner_.finish_experiment(e));
}

Result<std::unique_ptr<store::SampleSink>> CheckedStore::samples(int64_t experiment_id) {
  auto sink = check(inner_.samples(experiment_id));
  if (!sink.ok()) return sink.error();
  return std::unique_ptr<store::SampleSink>(new CheckedSink(std::move(*sink), *this));
}

Status CheckedStore::set_wire_times(int64_t experiment_id, const std::vector<store::WireTimeRecord>& times) {
  return check(inner_.set_wire_times(experiment_id, times));
}

Result<int64_t> CheckedStore::add_capture(const store::CaptureRecord& c) {
  return check(inner_.add_capture(c));
}

Status CheckedStore::add_counters(int64_t experiment_id, const std::vector<store::CounterRecord>& c) {
  return check(inner_.add_counters(experiment_id, c));
}

Status CheckedStore::add_stacks(int64_t experiment_id, const std::vector<store::StackRecord>& s) {
  return check(inner_.add_stacks(experiment_id, s));
}

Status CheckedStore::add_trace_events(int64_t experiment_id, const std::vector<store::TraceEventRecord>& ev) {
  return check(inner_.add_trace_events(experiment_id, ev));
}

Status CheckedStore::add_load(const store::LoadRecord& l) { return check(inner_.add_load(l)); }

}  // namespace latlab::run
