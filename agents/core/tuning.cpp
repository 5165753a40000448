#include "core/tuning.h"

#include <sched.h>
#include <sys/time.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace latlab::agent {

Status apply_process_tuning(const AgentOptions& options, SocketReport& report) {
  // 1 ns timer slack: poll timeouts fire on time (the default slack is 50 us).
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  if (options.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(options.cpu, &set);
    if (::sched_setaffinity(0, sizeof(set), &set) != 0) {
      return environment_error("--cpu " + std::to_string(options.cpu) + ": sched_setaffinity: " + errno_text(errno));
    }
  }
  if (options.rt_priority > 0) {
    sched_param param{};
    param.sched_priority = options.rt_priority;
    if (::sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
      return environment_error("--rt " + std::to_string(options.rt_priority) +
                               ": sched_setscheduler(SCHED_FIFO): " + errno_text(errno));
    }
    report.set("scheduler", "SCHED_FIFO");
    report.set("rt_priority", options.rt_priority);
  } else {
    report.set("scheduler", "SCHED_OTHER");
  }
  return ok_status();
}

Status apply_socket_tuning(int fd, const AgentOptions& options, SocketReport& report) {
  if (options.busy_poll_us >= 0) {
    int v = options.busy_poll_us;
    if (::setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &v, sizeof(v)) != 0) {
      return environment_error("--busy-poll " + std::to_string(v) + ": setsockopt(SO_BUSY_POLL): " + errno_text(errno));
    }
  }
  if (options.priority >= 0) {
    int v = options.priority;
    if (::setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v)) != 0) {
      return environment_error("--priority " + std::to_string(v) + ": setsockopt(SO_PRIORITY): " + errno_text(errno));
    }
  }
  int value = 0;
  socklen_t len = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &value, &len) == 0) report.set("busy_poll_us", value);
  len = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, SO_PRIORITY, &value, &len) == 0) report.set("priority", value);
  len = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &len) == 0) report.set("rcvbuf", value);
  len = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, &len) == 0) report.set("sndbuf", value);
  return ok_status();
}

}  // namespace latlab::agent

namespace latlab::agent {

bool set_capped_receive_timeout(int fd, std::int64_t max_wait_ns, std::int64_t& current_ns) {
  const std::int64_t wait = std::min<std::int64_t>(std::max<std::int64_t>(max_wait_ns, 1000), 10'000'000);
  if (wait == current_ns) return true;
  timeval tv{static_cast<time_t>(wait / 1'000'000'000), static_cast<suseconds_t>((wait % 1'000'000'000) / 1000)};
  if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) return false;
  current_ns = wait;
  return true;
}

}  // namespace latlab::agent
