#include "run/capture.h"

#include <time.h>

#include "topology/kinds.h"
#include "util/kind_registry.h"

namespace latlab::run {

std::string ExperimentContext::netns_path(const std::string& node) const {
  const scenario::Node* n = lab ? lab->find_node(node) : nullptr;
  return n ? topology::netns_path(*n) : std::string();
}

const std::vector<CaptureKindInfo>& capture_registry() {
  static const std::vector<CaptureKindInfo> kinds = {
      {"tcpdump", "tcpdump", "tcpdump", make_tcpdump_capture},
      {"perf", "perf", "linux-perf", make_perf_capture},
      {"trace", "", "", make_trace_capture},
      {"counters", "", "", make_counters_capture},
  };
  return kinds;
}

const CaptureKindInfo* find_capture_kind(const std::string& name) {
  return find_kind_by_name(capture_registry(), name);
}

Status record_capture_failure(ExperimentContext& ctx, const scenario::CaptureSpec& spec,
                              const std::string& status, const std::string& error) {
  store::CaptureRecord c;
  c.experiment_id = ctx.experiment_id;
  c.kind = spec.kind;
  c.status = status;
  c.error = error;
  auto r = ctx.store->add_capture(c);
  if (!r.ok()) return r.error();
  return Ok{};
}

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace latlab::run
