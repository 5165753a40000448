#include "core/clock.h"

namespace latlab::agent {

ClockOffset measure_clock_offset(int rounds) {
  ClockOffset best;
  std::int64_t best_width = -1;
  for (int i = 0; i < rounds; ++i) {
    const std::int64_t m1 = monotonic_ns();
    const std::int64_t r = realtime_ns();
    const std::int64_t m2 = monotonic_ns();
    const std::int64_t width = m2 - m1;
    if (best_width < 0 || width < best_width) {
      best_width = width;
      best.realtime_minus_monotonic_ns = r - (m1 + width / 2);
      best.uncertainty_ns = (width + 1) / 2;
    }
  }
  return best;
}

}  // namespace latlab::agent
