#include "core/socket_transport.h"

#include <sys/socket.h>

#include <cerrno>

#include "core/clock.h"
#include "core/sample.h"
#include "core/timestamping.h"
#include "core/tuning.h"

namespace latlab::agent {

int SocketTransport::send_message(std::uint64_t seq, std::span<const std::uint8_t> message,
                                  std::int64_t& t_send_user_ns) {
  t_send_user_ns = monotonic_ns();
  const ssize_t n = ::send(fd_.get(), message.data(), message.size(), 0);
  if (n < 0) return errno;
  if (tx_) tx_queue_.on_sent(seq);
  return 0;
}

void SocketTransport::enable_stamps(const AgentOptions& options, SocketReport& report) {
  const TimestampingState ts = setup_kernel_stamps(fd_.get(), true, options.kernel_stamps);
  tx_ = ts.tx;
  const auto software_or_null = [](bool on) {
    return on ? SocketReport::Value{std::string("software")} : SocketReport::Value{nullptr};
  };
  report.set("timestamping", ts.rx ? "software" : "none");
  report.set("tx_timestamp", software_or_null(ts.tx));
  report.set("rx_timestamp", software_or_null(ts.rx));
  report.set("timestamping_note",
             ts.note.empty() ? SocketReport::Value{nullptr} : SocketReport::Value{ts.note});
}

bool SocketTransport::blocking_receive(ProbeSink& sink, std::int64_t max_wait_ns) {
  if (!set_capped_receive_timeout(fd_.get(), max_wait_ns, rcvtimeo_ns_)) return false;
  receive(POLLIN, sink, 0);
  return true;
}

void SocketTransport::receive(short revents, ProbeSink& sink, int flags) {
  // ppoll reports a queued TX stamp as POLLERR. With a reply waiting too, the
  // reply is read first, so that its user receive time is not delayed by the
  // error-queue read; the stamps still reach the sink before the reply.
  if (!(revents & POLLIN)) {
    if (revents & POLLERR) drain_tx_stamps(sink);
    return;
  }
  iovec iov{rx_, sizeof(rx_)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control_;
  msg.msg_controllen = sizeof(control_);
  const ssize_t n = ::recvmsg(fd_.get(), &msg, flags);
  const std::int64_t t_user = monotonic_ns();
  if (revents & POLLERR) drain_tx_stamps(sink);
  if (n < 0) return;
  int ttl = ttl_from_cmsg(msg);
  const auto match = match_reply({rx_, static_cast<std::size_t>(n)}, ttl, sink.next_seq());
  if (!match) {
    sink.foreign();
    return;
  }
  ReplyEvent e;
  e.seq = match->seq;
  e.t_recv_kernel_realtime_ns = rx_software_stamp(msg);
  e.t_recv_user_ns = t_user;
  e.peer_proc_ns = match->peer_proc_ns ? static_cast<std::int64_t>(*match->peer_proc_ns) : kNoTime;
  e.ttl = ttl;
  sink.reply(e);
}

}  // namespace latlab::agent
