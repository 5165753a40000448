// Kernel software timestamps (SO_TIMESTAMPING): TX stamps come back on the
// socket's error queue, keyed by SOF_TIMESTAMPING_OPT_ID (a per-socket counter
// of sends starting at 0 when the option is set); RX stamps come with each
// received message as a control message. Both are CLOCK_REALTIME.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace latlab::agent {

struct TimestampingState {
  bool tx = false;
  bool rx = false;
  std::string note;  // why a stamp is not available, "" when both are
};

// Enables TX_SOFTWARE|RX_SOFTWARE|SOFTWARE|OPT_ID|OPT_TSONLY. Call right before
// the first send so that OPT_ID keys equal the send count.
TimestampingState enable_software_timestamping(int fd, bool want_tx);

// The software stamp of a received message (realtime ns), or kNoTime.
std::int64_t rx_software_stamp(const msghdr& msg);
// IP_TTL / IPV6_HOPLIMIT control messages; -1 when absent.
int ttl_from_cmsg(const msghdr& msg);

// Reads one TX stamp from the error queue (non-blocking). Returns false when
// the queue is empty; errors other than timestamps are skipped (returns true
// with `found` false).
bool read_tx_stamp(int fd, bool& found, std::uint32_t& key, std::int64_t& realtime_ns);

}  // namespace latlab::agent
