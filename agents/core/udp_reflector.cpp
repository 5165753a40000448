// udp-reflector: echoes latlab UDP probes back to their sender and writes its
// own processing time (kernel RX stamp -> user time right before sendmsg, both
// CLOCK_REALTIME, so including any --delay) into the payload at offset 24
// (kPeerProcOffset).
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>

#include "core/clock.h"
#include "core/probe_modes.h"
#include "core/probe_payload.h"
#include "core/report.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/sockaddr.h"
#include "core/timestamping.h"
#include "core/tuning.h"
#include "core/unique_fd.h"

namespace latlab::agent {

Result<ExitCode> run_udp_reflector(const AgentOptions& o, JsonLineWriter& out) {
  SocketReport report;
  auto tuned = apply_process_tuning(o, report);
  if (!tuned) return tuned.error();
  IpAddress bind_address;
  if (o.address_set) {
    bind_address = o.address;
  } else {
    bind_address.family = o.family == 4 ? 4 : 6;  // [::] serves both families
  }
  const int af = bind_address.family == 6 ? AF_INET6 : AF_INET;
  UniqueFd fd(::socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return environment_error("opening a UDP socket: " + errno_text(errno));
  if (af == AF_INET6 && !o.address_set) {
    int off = 0;
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  }
  int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  const SocketAddress local = make_socket_address(bind_address, o.port);
  if (::bind(fd.get(), local.get(), local.length) != 0) {
    const int err = errno;
    const std::string what = "binding UDP port " + std::to_string(o.port) + " on " + format_ip(bind_address);
    if (err == EADDRNOTAVAIL) return environment_error(what + ": address not configured in this namespace");
    return environment_error(what + ": " + errno_text(err));
  }
  auto socket_tuned = apply_socket_tuning(fd.get(), o, report);
  if (!socket_tuned) return socket_tuned.error();
  const TimestampingState ts = setup_kernel_stamps(fd.get(), false, o.kernel_stamps);
  report.set("socket_type", "dgram");
  report.set("protocol", "udp");
  report.set("bound", format_ip(bind_address) + (o.address_set || af == AF_INET ? "" : " (dual-stack)"));
  report.set("port", static_cast<int>(o.port));
  report.set("rx_timestamp", ts.rx ? SocketReport::Value{std::string("software")} : SocketReport::Value{nullptr});
  report.set("peer_proc", ts.rx ? "kernel RX stamp to user send time (CLOCK_REALTIME)"
                                : "user receive time to user send time (no RX stamp)");

  const sigset_t wait_mask = install_stop_signals();
  const std::int64_t start = monotonic_ns();
  write_header(out, o, measure_clock_offset(), report);
  out.flush();

  ResponderSummary summary;
  std::uint64_t requests = 0;
  alignas(8) std::uint8_t buf[65536];
  alignas(cmsghdr) char control[512];
  // Blocking recvmsg (one system call per request instead of ppoll +
  // recvmsg): SIGINT/SIGTERM interrupt it (EINTR), and a 100 ms receive
  // timeout bounds how late a signal racing the call or --duration is noticed.
  // With --spin, non-blocking reads for the first spin_ns after each request,
  // so that a client answering back to back never waits for this CPU to wake.
  sigprocmask(SIG_SETMASK, &wait_mask, nullptr);
  std::int64_t spin_until = 0;
  timeval rcvtimeo{0, 100'000};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &rcvtimeo, sizeof(rcvtimeo));
  const std::int64_t end = o.duration_ns > 0 ? start + o.duration_ns : INT64_MAX;
  while (!stop_requested()) {
    if (o.count_set && o.count > 0 && requests >= o.count) break;
    if (end != INT64_MAX && monotonic_ns() >= end) break;
    sockaddr_storage peer{};
    iovec iov{buf, sizeof(buf)};
    msghdr msg{};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof(peer);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const bool spin = o.spin_ns > 0 && monotonic_ns() < spin_until;
    const ssize_t n = ::recvmsg(fd.get(), &msg, spin ? MSG_DONTWAIT : 0);
    if (n < 0) continue;
    std::int64_t t_rx = rx_software_stamp(msg);
    if (t_rx == kNoTime) t_rx = realtime_ns();
    std::span<std::uint8_t> payload(buf, static_cast<std::size_t>(n));
    if (!is_probe_payload(payload)) {
      ++summary.foreign;
      continue;
    }
    ++requests;
    if (o.drop_every > 0 && requests % o.drop_every == 0) {
      ++summary.dropped;
      continue;
    }
    spin_for_ns(o.delay_ns);  // --delay: the injected latency, inside proc
    const std::int64_t t_tx = realtime_ns();
    const std::uint64_t proc = static_cast<std::uint64_t>(t_tx > t_rx ? t_tx - t_rx : 0);
    set_peer_proc(payload, proc);
    if (::sendto(fd.get(), buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&peer), msg.msg_namelen) < 0) {
      std::fprintf(stderr, "latlab-agent: warning: reply to %s: %s\n", format_ip(ip_of(peer)).c_str(),
                   errno_text(errno).c_str());
      continue;
    }
    if (proc > summary.peer_proc_max_ns) summary.peer_proc_max_ns = proc;
    ++summary.served;
    if (o.spin_ns > 0) spin_until = monotonic_ns() + o.spin_ns;
  }
  summary.interrupted = stop_requested();
  summary.clock_end = measure_clock_offset();
  summary.elapsed_ns = monotonic_ns() - start;
  write_responder_summary(out, summary);
  out.flush();
  return ExitCode::ok;
}

}  // namespace latlab::agent
