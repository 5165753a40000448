// raw-responder: a user-space ICMP echo and ARP responder on an AF_PACKET
// socket with a TPACKET_V3 RX ring, for one IPv4 address that the kernel need
// not have (the VPP host-interface role). Echo replies to latlab probes carry
// the responder's processing time (ring stamp -> user time before send,
// including any --delay).
#include <poll.h>

#include <cstdio>
#include <vector>

#include "core/arp.h"
#include "core/clock.h"
#include "core/ethernet.h"
#include "core/icmp.h"
#include "core/interface_info.h"
#include "core/ipv4.h"
#include "core/packet_ring.h"
#include "core/probe_modes.h"
#include "core/probe_payload.h"
#include "core/report.h"
#include "core/signals.h"
#include "core/tuning.h"

namespace latlab::agent {

Result<ExitCode> run_raw_responder(const AgentOptions& o, JsonLineWriter& out) {
  auto dev = query_interface(o.ifname);
  if (!dev) return dev.error();
  if (!dev->up) return environment_error("device " + dev->name + " is down");
  SocketReport report;
  auto tuned = apply_process_tuning(o, report);
  if (!tuned) return tuned.error();
  PacketSocketConfig config;
  config.ifindex = dev->index;
  config.qdisc_bypass = o.qdisc_bypass;
  config.fanout_group = o.fanout_group;
  config.blocks = o.ring_blocks;
  config.block_size = o.ring_block_size;
  config.block_timeout_ms = o.ring_block_timeout_ms;
  auto socket = PacketSocket::open(config, report);
  if (!socket) return socket.error();
  auto socket_tuned = apply_socket_tuning(socket->fd(), o, report);
  if (!socket_tuned) return socket_tuned.error();
  report.set("ifname", dev->name);
  report.set("ifindex", dev->index);
  report.set("mac", format_mac(dev->mac));
  report.set("kernel_ipv4", dev->ipv4 ? SocketReport::Value{format_ipv4(*dev->ipv4)} : SocketReport::Value{nullptr});
  report.set("rx_timestamp", "tpacket3_hdr tp_sec/tp_nsec (kernel, on arrival)");
  report.set("peer_proc", "ring RX stamp to user send time (CLOCK_REALTIME), includes the block retire wait");

  const Ipv4Address me = o.address.v4;
  const sigset_t wait_mask = install_stop_signals();
  const std::int64_t start = monotonic_ns();
  write_header(out, o, measure_clock_offset(), report);
  out.flush();

  ResponderSummary summary;
  std::uint64_t requests = 0;
  std::vector<std::uint8_t> reply(65536);
  const std::int64_t end = o.duration_ns > 0 ? start + o.duration_ns : INT64_MAX;
  auto done = [&] { return o.count_set && o.count > 0 && requests >= o.count; };

  auto on_frame = [&](const RxFrame& f) {
    if (f.pkttype == PACKET_OUTGOING) return;
    if (done()) return;
    auto eth = parse_ethernet(f.data);
    if (!eth || (eth->header.dst != dev->mac && eth->header.dst != kBroadcastMac)) {
      ++summary.foreign;
      return;
    }
    if (eth->header.ether_type == kEtherTypeArp) {
      auto arp = parse_arp(eth->payload);
      if (!arp || arp->operation != kArpRequest || arp->target_ip != me) {
        ++summary.foreign;
        return;
      }
      std::uint8_t frame[kEthernetHeaderSize + kArpSize + 18] = {};
      build_ethernet(frame, {arp->sender_mac, dev->mac, kEtherTypeArp});
      build_arp(std::span(frame).subspan(kEthernetHeaderSize), {kArpReply, dev->mac, me, arp->sender_mac, arp->sender_ip});
      if (socket->send(frame) == 0) ++summary.arp_replies;
      return;
    }
    if (eth->header.ether_type != kEtherTypeIpv4 || eth->header.dst != dev->mac) {
      ++summary.foreign;
      return;
    }
    auto ip = parse_ipv4_packet(eth->payload);
    if (!ip || ip->header.dst != me || ip->header.protocol != kProtoIcmp) {
      ++summary.foreign;
      return;
    }
    auto echo = parse_icmp4_echo(ip->payload);
    if (!echo || echo->type != kIcmpEchoRequest) {
      ++summary.foreign;
      return;
    }
    ++requests;
    if (o.drop_every > 0 && requests % o.drop_every == 0) {
      ++summary.dropped;
      return;
    }
    const std::size_t icmp_len = ip->payload.size();
    const std::size_t frame_len = kEthernetHeaderSize + kIpv4HeaderSize + icmp_len;
    if (frame_len > reply.size()) {
      ++summary.foreign;
      return;
    }
    build_ethernet(reply, {eth->header.src, dev->mac, kEtherTypeIpv4});
    auto ip_out = std::span(reply).subspan(kEthernetHeaderSize);
    auto icmp_out = ip_out.subspan(kIpv4HeaderSize, icmp_len);
    std::copy(ip->payload.begin(), ip->payload.end(), icmp_out.begin());
    auto payload = icmp_out.subspan(kIcmpEchoHeaderSize);
    spin_for_ns(o.delay_ns);  // --delay: the injected latency, inside proc
    const std::int64_t t_tx = realtime_ns();
    const std::uint64_t proc = static_cast<std::uint64_t>(t_tx > f.realtime_ns ? t_tx - f.realtime_ns : 0);
    const bool ours = set_peer_proc(payload, proc);
    build_icmp4_echo(icmp_out, {kIcmpEchoReply, 0, echo->identifier, echo->sequence, payload});
    Ipv4Header h;
    h.id = ip->header.id;
    h.protocol = kProtoIcmp;
    h.src = me;
    h.dst = ip->header.src;
    build_ipv4(ip_out, h, icmp_len);
    if (socket->send(std::span(reply).first(frame_len)) != 0) return;
    ++summary.served;
    if (ours && proc > summary.peer_proc_max_ns) summary.peer_proc_max_ns = proc;
  };

  pollfd pfd{socket->fd(), POLLIN, 0};
  while (!stop_requested() && !done()) {
    const std::int64_t now = monotonic_ns();
    if (now >= end) break;
    timespec ts_wait{};
    timespec* timeout = nullptr;
    if (end != INT64_MAX) {
      const std::int64_t wait_ns = end - now;
      ts_wait = {static_cast<time_t>(wait_ns / 1'000'000'000), static_cast<long>(wait_ns % 1'000'000'000)};
      timeout = &ts_wait;
    }
    pfd.revents = 0;
    if (::ppoll(&pfd, 1, timeout, &wait_mask) <= 0) continue;
    socket->drain(on_frame);
  }
  summary.interrupted = stop_requested();
  summary.clock_end = measure_clock_offset();
  summary.elapsed_ns = monotonic_ns() - start;
  write_responder_summary(out, summary);
  out.flush();
  return ExitCode::ok;
}

}  // namespace latlab::agent
