#include "core/timestamping.h"

#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/clock.h"
#include "core/sample.h"

#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif

namespace latlab::agent {

namespace {

// The kernel turns receive timestamping on (netstamp_needed_key) from a
// workqueue; packets received before that carry no stamp. Wait until a
// datagram sent to ourselves over loopback comes back stamped (at most ~50 ms),
// so that the first sample is not missing its RX stamp for no reason of the path.
void settle() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return;
  sockaddr_in self{};
  self.sin_family = AF_INET;
  self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(self);
  unsigned flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&self), sizeof(self)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len) != 0) {
    ::close(fd);
    return;
  }
  for (int attempt = 0; attempt < 50; ++attempt) {
    const char probe = 'x';
    if (::sendto(fd, &probe, 1, 0, reinterpret_cast<sockaddr*>(&self), sizeof(self)) != 1) break;
    char data[8];
    alignas(cmsghdr) char control[256];
    iovec iov{data, sizeof(data)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    if (::recvmsg(fd, &msg, 0) == 1 && rx_software_stamp(msg) != kNoTime) break;
    timespec ts{0, 1'000'000};
    ::nanosleep(&ts, nullptr);
  }
  ::close(fd);
}

}  // namespace

TimestampingState enable_software_timestamping(int fd, bool want_tx) {
  TimestampingState state;
  unsigned flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (want_tx) flags |= SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
  if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) == 0) {
    settle();
    state.rx = true;
    state.tx = want_tx;
    if (!want_tx) state.note = "tx: not requested for this socket";
    return state;
  }
  const int err = errno;
  if (want_tx) {
    // Retry RX only.
    flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
    if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) == 0) {
      settle();
      state.rx = true;
      state.note = std::string("tx: SO_TIMESTAMPING TX_SOFTWARE refused: ") + std::strerror(err);
      return state;
    }
  }
  state.note = std::string("SO_TIMESTAMPING refused: ") + std::strerror(err);
  return state;
}

TimestampingState setup_kernel_stamps(int fd, bool want_tx, bool kernel_stamps) {
  if (kernel_stamps) return enable_software_timestamping(fd, want_tx);
  TimestampingState state;
  state.note = "off: --kernel-stamps off";
  return state;
}

std::int64_t rx_software_stamp(const msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
      timespec ts[3];
      std::memcpy(ts, CMSG_DATA(c), sizeof(ts));
      if (ts[0].tv_sec != 0 || ts[0].tv_nsec != 0) return to_ns(ts[0]);
    }
  }
  return kNoTime;
}

int ttl_from_cmsg(const msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
    if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
        (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
      int v = 0;
      std::memcpy(&v, CMSG_DATA(c), sizeof(v));
      return v;
    }
  }
  return -1;
}

namespace {

// The stamp and the OPT_ID key of one error-queue message, if it is a TX stamp.
bool parse_tx_stamp(msghdr& msg, TxStamp& out) {
  std::int64_t stamp = kNoTime;
  bool have_key = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
      timespec ts[3];
      std::memcpy(ts, CMSG_DATA(c), sizeof(ts));
      stamp = to_ns(ts[0]);
    } else if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
               (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR) ||
               (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_TX_TIMESTAMP)) {
      sock_extended_err ee;
      std::memcpy(&ee, CMSG_DATA(c), sizeof(ee));
      if (ee.ee_errno == ENOMSG && ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
        out.key = ee.ee_data;
        have_key = true;
      }
    }
  }
  out.realtime_ns = stamp;
  return stamp != kNoTime && have_key;
}

}  // namespace

TxStampReader::TxStampReader() {
  for (std::size_t i = 0; i < kBatch; ++i) {
    slots_[i].iov = iovec{slots_[i].data, sizeof(slots_[i].data)};
  }
}

std::span<const TxStamp> TxStampReader::read(int fd, bool& more) {
  more = false;
  for (std::size_t i = 0; i < kBatch; ++i) {
    msghdr& m = headers_[i].msg_hdr;
    m = msghdr{};
    m.msg_iov = &slots_[i].iov;
    m.msg_iovlen = 1;
    m.msg_control = slots_[i].control;
    m.msg_controllen = sizeof(slots_[i].control);
    headers_[i].msg_len = 0;
  }
  const int n = ::recvmmsg(fd, headers_.data(), kBatch, MSG_ERRQUEUE | MSG_DONTWAIT, nullptr);
  if (n <= 0) return {};
  more = static_cast<std::size_t>(n) == kBatch;
  std::size_t found = 0;
  for (int i = 0; i < n; ++i) {
    if (parse_tx_stamp(headers_[i].msg_hdr, stamps_[found])) ++found;
  }
  return {stamps_.data(), found};
}

}  // namespace latlab::agent
