// Capture kind "perf": perf record of the probe, folded into FlameGraph stacks.
#include "scenario/kinds.h"

namespace latlab::scenario {

const CaptureKind& perf_capture_kind() {
  static const CaptureKind k{.name = "perf"};
  return k;
}

}  // namespace latlab::scenario
