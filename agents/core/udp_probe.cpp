// udp: ping-pong client against udp-reflector; the reflector's processing
// time comes back in the payload (peer_proc_ns).
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "core/path_mtu.h"
#include "core/probe_engine.h"
#include "core/probe_modes.h"
#include "core/probe_payload.h"
#include "core/random.h"
#include "core/reply_matcher.h"
#include "core/socket_transport.h"
#include "core/sockaddr.h"
#include "core/tuning.h"
#include "core/udp.h"
#include "core/unique_fd.h"

namespace latlab::agent {

namespace {

class UdpTransport final : public SocketTransport {
 public:
  UdpTransport(UniqueFd fd, std::uint64_t cookie, std::uint32_t payload)
      : SocketTransport(std::move(fd)), matcher_(0, cookie), request_(payload) {
    write_probe_payload(request_, cookie, 0);
  }

  [[nodiscard]] std::uint32_t request_bytes() const override { return static_cast<std::uint32_t>(request_.size()); }

  int send_request(std::uint64_t seq, std::int64_t& t_send_user_ns) override {
    set_probe_seq(request_, seq);
    return send_message(seq, request_, t_send_user_ns);
  }

 private:
  [[nodiscard]] std::optional<ReplyMatch> match_reply(std::span<const std::uint8_t> data, int& /*ttl*/,
                                                      std::uint64_t next_seq) const override {
    return matcher_.match_payload(data, next_seq);
  }

  ReplyMatcher matcher_;
  std::vector<std::uint8_t> request_;
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
  transport.enable_stamps(o, report);
  report.set("peer_proc", "udp-reflector: kernel RX stamp to its user-space send time");
  return run_probe(o, transport, report, out);
}

}  // namespace latlab::agent
