// Load kind "tcp": iperf3 TCP streams, as fast as the path takes them unless
// "bandwidth" caps them.
#include "scenario/kinds.h"

namespace latlab::scenario {

const LoadKind& tcp_load_kind() {
  static const LoadKind k{.name = "tcp", .needs_bandwidth = false, .max_payload = 1 << 20, .congestion = true};
  return k;
}

}  // namespace latlab::scenario
