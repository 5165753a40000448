// One request's outcome as it is reported on a "sample" line.
#pragma once

#include <cstdint>
#include <limits>

namespace latlab::agent {

// A time or duration that is not available (written as JSON null).
inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

enum class SampleStatus : std::uint8_t { ok, lost, late };

const char* sample_status_name(SampleStatus status);

struct Sample {
  std::uint64_t seq = 0;
  bool warmup = false;
  SampleStatus status = SampleStatus::lost;
  // CLOCK_MONOTONIC nanoseconds; kernel stamps are mapped from CLOCK_REALTIME.
  std::int64_t t_send_user_ns = kNoTime;
  std::int64_t t_send_kernel_ns = kNoTime;
  std::int64_t t_recv_kernel_ns = kNoTime;
  std::int64_t t_recv_user_ns = kNoTime;
  std::int64_t peer_proc_ns = kNoTime;
  std::uint32_t bytes = 0;
  int ttl = -1;  // -1: not available

  [[nodiscard]] std::int64_t rtt_user_ns() const {
    return (t_recv_user_ns == kNoTime || t_send_user_ns == kNoTime) ? kNoTime : t_recv_user_ns - t_send_user_ns;
  }
  [[nodiscard]] std::int64_t rtt_kernel_ns() const {
    return (t_recv_kernel_ns == kNoTime || t_send_kernel_ns == kNoTime) ? kNoTime
                                                                         : t_recv_kernel_ns - t_send_kernel_ns;
  }
};

}  // namespace latlab::agent
