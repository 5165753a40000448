// udp: ping-pong client against udp-reflector; the reflector's processing
// time comes back in the payload (peer_proc_ns).
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "core/clock.h"
#include "core/path_mtu.h"
#include "core/probe_engine.h"
#include "core/probe_modes.h"
#include "core/probe_payload.h"
#include "core/random.h"
#include "core/reply_matcher.h"
#include "core/sample.h"
#include "core/sockaddr.h"
#include "core/timestamping.h"
#include "core/tuning.h"
#include "core/udp.h"
#include "core/unique_fd.h"

namespace latlab::agent {

namespace {

class UdpTransport final : public ProbeTransport {
 public:
  UdpTransport(UniqueFd fd, std::uint64_t cookie, std::uint32_t payload)
      : fd_(std::move(fd)), matcher_(0, cookie), request_(payload) {
    write_probe_payload(request_, cookie, 0);
  }

  void set_tx(bool tx) { tx_ = tx; }
  [[nodiscard]] int fd() const override { return fd_.get(); }
  [[nodiscard]] std::uint32_t request_bytes() const override { return static_cast<std::uint32_t>(request_.size()); }
  [[nodiscard]] bool tx_stamps() const override { return tx_; }

  int send_request(std::uint64_t seq, std::int64_t& t_send_user_ns) override {
    set_probe_seq(request_, seq);
    t_send_user_ns = monotonic_ns();
    const ssize_t n = ::send(fd_.get(), request_.data(), request_.size(), 0);
    if (n < 0) return errno;
    if (tx_) keys_.on_sent(seq);
    return 0;
  }

  bool blocking_receive(ProbeSink& sink, std::int64_t max_wait_ns) override {
    if (!set_capped_receive_timeout(fd_.get(), max_wait_ns, rcvtimeo_ns_)) return false;
    receive(POLLIN, sink, 0);
    return true;
  }

  void handle_input(short revents, ProbeSink& sink) override { receive(revents, sink, MSG_DONTWAIT); }

 private:
  void receive(short revents, ProbeSink& sink, int flags) {
    // The reply first, so that its user receive time is not delayed by the
    // error-queue read; its TX stamp is delivered before the reply itself.
    if (!(revents & POLLIN)) {
      if (revents & POLLERR) read_tx_stamp_into(sink);
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
    if (tx_ && (n >= 0 || (revents & POLLERR))) read_tx_stamp_into(sink);
    if (n < 0) return;
    auto match = matcher_.match_payload({rx_, static_cast<std::size_t>(n)}, sink.next_seq());
    if (!match) {
      sink.foreign();
      return;
    }
    ReplyEvent e;
    e.seq = match->seq;
    e.t_recv_kernel_realtime_ns = rx_software_stamp(msg);
    e.t_recv_user_ns = t_user;
    e.peer_proc_ns = match->peer_proc_ns ? static_cast<std::int64_t>(*match->peer_proc_ns) : kNoTime;
    e.ttl = ttl_from_cmsg(msg);
    sink.reply(e);
  }

  void read_tx_stamp_into(ProbeSink& sink) {
    bool found = false;
    std::uint32_t key = 0;
    std::int64_t stamp = 0;
    std::uint64_t seq = 0;
    if (read_tx_stamp(fd_.get(), found, key, stamp) && found && keys_.lookup(key, seq)) sink.tx_stamp(seq, stamp);
  }

  UniqueFd fd_;
  ReplyMatcher matcher_;
  std::vector<std::uint8_t> request_;
  TxKeyMap keys_;
  bool tx_ = false;
  std::int64_t rcvtimeo_ns_ = 0;
  std::uint8_t rx_[65536];
  alignas(cmsghdr) char control_[512];
};

}  // namespace

Result<ExitCode> run_udp_probe(const AgentOptions& o, JsonLineWriter& out) {
  const int family = o.target.family;
  auto fits = check_payload_fits(o.target, o.payload, (family == 6 ? 40 : 20) + kUdpHeaderSize);
  if (!fits) return fits.error();
  SocketReport report;
  auto tuned = apply_process_tuning(o, report);
  if (!tuned) return tuned.error();
  UniqueFd fd(::socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return environment_error("opening a UDP socket: " + errno_text(errno));
  const SocketAddress target = make_socket_address(o.target, o.port);
  if (::connect(fd.get(), target.get(), target.length) != 0) {
    return environment_error("connecting the UDP socket to " + format_ip(o.target) + ": " + errno_text(errno));
  }
  int on = 1;
  if (family == 6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
  else ::setsockopt(fd.get(), IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
  auto socket_tuned = apply_socket_tuning(fd.get(), o, report);
  if (!socket_tuned) return socket_tuned.error();
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len);
  const int local_port = ntohs(family == 6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&local)->sin_port);

  UdpTransport transport(std::move(fd), random_u64(), o.payload);
  report.set("socket_type", "dgram");
  report.set("protocol", "udp");
  report.set("port", static_cast<int>(o.port));
  report.set("local_port", local_port);
  const TimestampingState ts = enable_software_timestamping(transport.fd(), true);
  transport.set_tx(ts.tx);
  report.set("timestamping", ts.rx ? "software" : "none");
  report.set("tx_timestamp", ts.tx ? SocketReport::Value{std::string("software")} : SocketReport::Value{nullptr});
  report.set("rx_timestamp", ts.rx ? SocketReport::Value{std::string("software")} : SocketReport::Value{nullptr});
  report.set("timestamping_note", ts.note.empty() ? SocketReport::Value{nullptr} : SocketReport::Value{ts.note});
  report.set("peer_proc", "udp-reflector: kernel RX stamp to its user-space send time");
  return run_probe(o, transport, report, out);
}

}  // namespace latlab::agent
