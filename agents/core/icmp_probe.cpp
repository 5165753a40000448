// icmp: echo requests through a raw ICMP/ICMPv6 socket (or an ICMP datagram
// socket when raw sockets are not permitted); the kernel of the target answers.
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "core/icmp.h"
#include "core/ipv4.h"
#include "core/path_mtu.h"
#include "core/probe_engine.h"
#include "core/probe_modes.h"
#include "core/probe_payload.h"
#include "core/random.h"
#include "core/reply_matcher.h"
#include "core/socket_transport.h"
#include "core/sockaddr.h"
#include "core/tuning.h"
#include "core/unique_fd.h"

namespace latlab::agent {

namespace {

class IcmpTransport final : public SocketTransport {
 public:
  IcmpTransport(UniqueFd fd, int family, bool dgram, std::uint16_t ident, std::uint64_t cookie,
                std::uint32_t payload)
      : SocketTransport(std::move(fd)), family_(family), dgram_(dgram), matcher_(ident, cookie),
        request_(kIcmpEchoHeaderSize + payload) {
    write_probe_payload(std::span(request_).subspan(kIcmpEchoHeaderSize), cookie, 0);
  }

  [[nodiscard]] std::uint32_t request_bytes() const override { return static_cast<std::uint32_t>(request_.size()); }

  int send_request(std::uint64_t seq, std::int64_t& t_send_user_ns) override {
    auto payload = std::span(request_).subspan(kIcmpEchoHeaderSize);
    set_probe_seq(payload, seq);
    EchoMessage m;
    m.type = family_ == 6 ? kIcmpv6EchoRequest : kIcmpEchoRequest;
    m.identifier = matcher_.identifier();
    m.sequence = static_cast<std::uint16_t>(seq);
    m.payload = payload;
    if (family_ == 6) build_icmp6_echo_unchecked(request_, m);  // the kernel fills the checksum
    else build_icmp4_echo(request_, m);
    return send_message(seq, request_, t_send_user_ns);
  }

 private:
  [[nodiscard]] std::optional<ReplyMatch> match_reply(std::span<const std::uint8_t> data, int& ttl,
                                                      std::uint64_t next_seq) const override {
    std::optional<EchoMessage> echo;
    if (family_ == 6) {
      echo = parse_icmp6_echo_unchecked(data);  // the kernel verified the ICMPv6 checksum
    } else if (dgram_) {
      echo = parse_icmp4_echo(data);
    } else {
      auto ip = parse_ipv4_packet(data);
      if (ip && ip->header.protocol == kProtoIcmp) {
        ttl = ip->header.ttl;
        echo = parse_icmp4_echo(ip->payload);
      }
    }
    if (!echo) return std::nullopt;
    const std::uint8_t reply_type = family_ == 6 ? kIcmpv6EchoReply : kIcmpEchoReply;
    // A ping socket rewrote the identifier; match on the payload alone.
    if (dgram_) return echo->type == reply_type ? matcher_.match_payload(echo->payload, next_seq) : std::nullopt;
    return matcher_.match_echo(*echo, reply_type, next_seq);
  }

  int family_;
  bool dgram_;
  ReplyMatcher matcher_;
  std::vector<std::uint8_t> request_;
};

Result<UniqueFd> open_icmp_socket(int family, bool& dgram) {
  const int af = family == 6 ? AF_INET6 : AF_INET;
  const int proto = family == 6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
  UniqueFd fd(::socket(af, SOCK_RAW | SOCK_CLOEXEC, proto));
  if (fd.valid()) {
    dgram = false;
    return fd;
  }
  const int raw_err = errno;
  if (raw_err != EPERM && raw_err != EACCES) return environment_error("opening a raw ICMP socket: " + errno_text(raw_err));
  fd = UniqueFd(::socket(af, SOCK_DGRAM | SOCK_CLOEXEC, proto));
  if (fd.valid()) {
    dgram = true;
    return fd;
  }
  return environment_error("opening a raw ICMP socket: " + errno_text(raw_err) +
                           "; ICMP datagram sockets are not allowed either (" + errno_text(errno) +
                           ", see net.ipv4.ping_group_range); run as root or with CAP_NET_RAW");
}

}  // namespace

Result<ExitCode> run_icmp_probe(const AgentOptions& o, JsonLineWriter& out) {
  const int family = o.target.family;
  auto fits = check_payload_fits(o.target, o.payload, (family == 6 ? 40 : 20) + kIcmpEchoHeaderSize);
  if (!fits) return fits.error();
  SocketReport report;
  auto tuned = apply_process_tuning(o, report);
  if (!tuned) return tuned.error();
  bool dgram = false;
  auto fd = open_icmp_socket(family, dgram);
  if (!fd) return fd.error();
  const int s = fd->get();
  std::uint16_t ident = o.ident >= 0 ? static_cast<std::uint16_t>(o.ident) : static_cast<std::uint16_t>(random_u64());
  if (dgram) {
    // Ping sockets use the bound "port" as the identifier.
    SocketAddress local;
    IpAddress any;
    any.family = family;
    local = make_socket_address(any, ident);
    if (::bind(s, local.get(), local.length) != 0) {
      local = make_socket_address(any, 0);
      if (::bind(s, local.get(), local.length) != 0) return environment_error("binding the ICMP socket: " + errno_text(errno));
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof(bound);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&bound), &len);
    ident = ntohs(family == 6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                              : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    int on = 1;
    if (family == 6) ::setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
    else ::setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
  } else if (family == 6) {
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    ::setsockopt(s, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
    int on = 1;
    ::setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
  } else {
    icmp_filter filter{};
    filter.data = ~(1u << ICMP_ECHOREPLY);
    ::setsockopt(s, SOL_RAW, ICMP_FILTER, &filter, sizeof(filter));
  }
  const SocketAddress target = make_socket_address(o.target, 0);
  if (::connect(s, target.get(), target.length) != 0) {
    return environment_error("connecting the ICMP socket to " + format_ip(o.target) + ": " + errno_text(errno));
  }
  auto socket_tuned = apply_socket_tuning(s, o, report);
  if (!socket_tuned) return socket_tuned.error();

  const std::uint64_t cookie = random_u64();
  IcmpTransport transport(std::move(*fd), family, dgram, ident, cookie, o.payload);
  report.set("socket_type", dgram ? "dgram" : "raw");
  report.set("protocol", family == 6 ? "icmpv6" : "icmp");
  report.set("identifier", static_cast<int>(ident));
  report.set("receive_filter", dgram ? "kernel ping socket (identifier)" : "ICMP type filter: echo reply only; connected to target");
  transport.enable_stamps(o, report);
  return run_probe(o, transport, report, out);
}

}  // namespace latlab::agent
