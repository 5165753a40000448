// The JSON lines latlab-agent writes: header, sample, summary, error.
// agents/README.md is the contract; field names here must match it.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "core/json_writer.h"
#include "core/options.h"
#include "core/request_tracker.h"
#include "core/sample.h"
#include "core/socket_report.h"

namespace latlab::agent {

struct TimerStats {
  std::uint64_t count = 0;
  long double sum = 0;
  std::int64_t max = 0;

  void add(std::int64_t error_ns) {
    ++count;
    sum += static_cast<long double>(error_ns);
    if (error_ns > max) max = error_ns;
  }
};

void write_clock(JsonLineWriter& w, std::string_view key, const ClockOffset& clock);
void write_header(JsonLineWriter& w, const AgentOptions& options, const ClockOffset& clock,
                  const SocketReport& socket);
void write_sample(JsonLineWriter& w, const Sample& sample);
struct ProbeSummary {
  const Accounting* accounting = nullptr;
  const RttStats* rtt_user = nullptr;
  const RttStats* rtt_kernel = nullptr;
  TimerStats timer;
  std::uint64_t tx_stamps_missing = 0;
  std::uint64_t send_errors = 0;
  ClockOffset clock_end;
  std::int64_t elapsed_ns = 0;
  bool interrupted = false;
};
void write_probe_summary(JsonLineWriter& w, const ProbeSummary& summary);
struct ResponderSummary {
  std::uint64_t served = 0;
  std::uint64_t dropped = 0;
  std::uint64_t foreign = 0;
  std::uint64_t arp_replies = 0;
  std::uint64_t peer_proc_max_ns = 0;
  ClockOffset clock_end;
  std::int64_t elapsed_ns = 0;
  bool interrupted = false;
};
void write_responder_summary(JsonLineWriter& w, const ResponderSummary& summary);
void write_error(JsonLineWriter& w, std::string_view message);

}  // namespace latlab::agent
