// Kernel software timestamps (SO_TIMESTAMPING): TX stamps come back on the
// socket's error queue, keyed by SOF_TIMESTAMPING_OPT_ID (a per-socket counter
// of sends starting at 0 when the option is set); RX stamps come with each
// received message as a control message. Both are CLOCK_REALTIME.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <span>
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
// enable_software_timestamping unless --kernel-stamps off (then nothing is
// enabled and the note says why).
TimestampingState setup_kernel_stamps(int fd, bool want_tx, bool kernel_stamps);

// The software stamp of a received message (realtime ns), or kNoTime.
std::int64_t rx_software_stamp(const msghdr& msg);
// IP_TTL / IPV6_HOPLIMIT control messages; -1 when absent.
int ttl_from_cmsg(const msghdr& msg);

struct TxStamp {
  std::uint32_t key = 0;        // SOF_TIMESTAMPING_OPT_ID: the count of sends before this one
  std::int64_t realtime_ns = 0;
};

// Reads TX stamps from a socket's error queue, up to kBatch per system call
// (recvmmsg), into buffers allocated once.
class TxStampReader {
 public:
  // Twice the probe engine's batch (kTxStampBatch), so that one call takes a
  // whole batch and its end without a second call for EAGAIN.
  static constexpr std::size_t kBatch = 64;

  TxStampReader();
  TxStampReader(const TxStampReader&) = delete;
  TxStampReader& operator=(const TxStampReader&) = delete;

  // One non-blocking recvmmsg(MSG_ERRQUEUE): the stamps among the messages it
  // returned (other queued errors are consumed and skipped). `more` is true
  // when it returned a full batch, so that more may be queued.
  std::span<const TxStamp> read(int fd, bool& more);

 private:
  struct Slot {
    alignas(cmsghdr) char control[256];
    char data[64];
    iovec iov;
  };
  std::array<Slot, kBatch> slots_;
  std::array<mmsghdr, kBatch> headers_;
  std::array<TxStamp, kBatch> stamps_;
};

}  // namespace latlab::agent
