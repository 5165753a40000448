// Capture kind "counters": interface and SNMP counters of every node, before
// and after the experiment.
#include "scenario/kinds.h"

namespace latlab::scenario {

const CaptureKind& counters_capture_kind() {
  static const CaptureKind k{.name = "counters", .many_probes = true};
  return k;
}

}  // namespace latlab::scenario
