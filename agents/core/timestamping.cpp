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

bool read_tx_stamp(int fd, bool& found, std::uint32_t& key, std::int64_t& realtime_ns) {
  found = false;
  alignas(cmsghdr) char control[256];
  char data[64];
  iovec iov{data, sizeof(data)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  const ssize_t n = ::recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
  if (n < 0) return false;
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
        key = ee.ee_data;
        have_key = true;
      }
    }
  }
  if (stamp != kNoTime && have_key) {
    found = true;
    realtime_ns = stamp;
  }
  return true;
}

}  // namespace latlab::agent
