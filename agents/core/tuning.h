// Process and socket tuning requested on the command line: CPU pinning,
// SCHED_FIFO, timer slack, SO_BUSY_POLL, SO_PRIORITY. What was applied goes
// into the SocketReport; a refusal is an environment error naming the option.
#pragma once

#include <cstdint>

#include "core/options.h"
#include "core/result.h"
#include "core/socket_report.h"

namespace latlab::agent {

Status apply_process_tuning(const AgentOptions& options, SocketReport& report);
Status apply_socket_tuning(int fd, const AgentOptions& options, SocketReport& report);

// SO_RCVTIMEO for a blocking receive of at most max_wait_ns, capped at 10 ms
// (callers loop and check their own deadlines, so the cap only bounds how late
// a timeout is noticed). current_ns caches what the socket has, so the option
// is set only when it changes. False when setsockopt fails.
bool set_capped_receive_timeout(int fd, std::int64_t max_wait_ns, std::int64_t& current_ns);

}  // namespace latlab::agent
