// Process and socket tuning requested on the command line: CPU pinning,
// SCHED_FIFO, timer slack, SO_BUSY_POLL, SO_PRIORITY. What was applied goes
// into the SocketReport; a refusal is an environment error naming the option.
#pragma once

#include "core/options.h"
#include "core/result.h"
#include "core/socket_report.h"

namespace latlab::agent {

Status apply_process_tuning(const AgentOptions& options, SocketReport& report);
Status apply_socket_tuning(int fd, const AgentOptions& options, SocketReport& report);

}  // namespace latlab::agent
