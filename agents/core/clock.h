// The sample clock (CLOCK_MONOTONIC, ns) and the offset that maps kernel
// software timestamps, which are CLOCK_REALTIME, onto it.
#pragma once

#include <cstdint>
#include <ctime>

namespace latlab::agent {

inline std::int64_t to_ns(const timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
inline std::int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return to_ns(ts);
}
inline std::int64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return to_ns(ts);
}

// Busy-waits until CLOCK_MONOTONIC has advanced by `ns` (never sleeps: a
// wake-up costs tens of microseconds in a VM, far more than the wait itself).
// Returns at once, without reading the clock, for ns <= 0.
inline void spin_for_ns(std::int64_t ns) {
  if (ns <= 0) return;
  const std::int64_t until = monotonic_ns() + ns;
  while (monotonic_ns() < until) {
  }
}

struct ClockOffset {
  std::int64_t realtime_minus_monotonic_ns = 0;
  std::int64_t uncertainty_ns = 0;  // half the width of the tightest bracket
};

// Reads MONOTONIC, REALTIME, MONOTONIC `rounds` times and keeps the tightest
// bracket; the REALTIME read is assumed to sit at the bracket's midpoint.
ClockOffset measure_clock_offset(int rounds = 9);

}  // namespace latlab::agent
