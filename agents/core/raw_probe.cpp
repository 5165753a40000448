// raw: an AF_PACKET pinger that builds Ethernet/IPv4/ICMP frames itself and
// reads replies from a TPACKET_V3 RX ring. The target must be on-link on
// --ifname; its MAC comes from the kernel's neighbour table, or from an ARP
// request the agent sends itself.
#include <poll.h>

#include <vector>

#include "core/arp.h"
#include "core/clock.h"
#include "core/ethernet.h"
#include "core/icmp.h"
#include "core/interface_info.h"
#include "core/ipv4.h"
#include "core/neighbour.h"
#include "core/packet_ring.h"
#include "core/probe_engine.h"
#include "core/probe_modes.h"
#include "core/probe_payload.h"
#include "core/random.h"
#include "core/reply_matcher.h"
#include "core/sample.h"
#include "core/timestamping.h"
#include "core/tuning.h"
#include "core/tx_stamp_queue.h"

namespace latlab::agent {

namespace {

constexpr std::size_t kHeaders = kEthernetHeaderSize + kIpv4HeaderSize + kIcmpEchoHeaderSize;

class RawTransport final : public ProbeTransport {
 public:
  RawTransport(PacketSocket socket, const MacAddress& src_mac, const MacAddress& dst_mac, const Ipv4Address& src,
               const Ipv4Address& dst, std::uint16_t ident, std::uint64_t cookie, std::uint32_t payload)
      : socket_(std::move(socket)), src_(src), dst_(dst), matcher_(ident, cookie), frame_(kHeaders + payload) {
    build_ethernet(frame_, {dst_mac, src_mac, kEtherTypeIpv4});
    write_probe_payload(std::span(frame_).subspan(kHeaders), cookie, 0);
  }

  void set_tx(bool tx) { tx_ = tx; }
  [[nodiscard]] int fd() const override { return socket_.fd(); }
  [[nodiscard]] std::uint32_t request_bytes() const override {
    return static_cast<std::uint32_t>(frame_.size() - kEthernetHeaderSize - kIpv4HeaderSize);
  }
  [[nodiscard]] bool tx_stamps() const override { return tx_; }

  int send_request(std::uint64_t seq, std::int64_t& t_send_user_ns) override {
    auto ip = std::span(frame_).subspan(kEthernetHeaderSize);
    auto icmp = ip.subspan(kIpv4HeaderSize);
    auto payload = icmp.subspan(kIcmpEchoHeaderSize);
    set_probe_seq(payload, seq);
    build_icmp4_echo(icmp, {kIcmpEchoRequest, 0, matcher_.identifier(), static_cast<std::uint16_t>(seq), payload});
    Ipv4Header h;
    h.id = static_cast<std::uint16_t>(seq);
    h.protocol = kProtoIcmp;
    h.src = src_;
    h.dst = dst_;
    build_ipv4(ip, h, icmp.size());
    t_send_user_ns = monotonic_ns();
    const int err = socket_.send(frame_);
    if (err == 0 && tx_) tx_queue_.on_sent(seq);
    return err;
  }

  void drain_tx_stamps(ProbeSink& sink) override {
    if (tx_) tx_queue_.drain(socket_.fd(), sink);
  }

  void handle_input(short revents, ProbeSink& sink) override {
    // Replies first, so that their user receive times are not delayed by the
    // error-queue read; the engine holds them until their TX stamps are in.
    if (revents & POLLIN) read_ring(sink);
    if (revents & POLLERR) drain_tx_stamps(sink);
  }

 private:
  void read_ring(ProbeSink& sink) {
    socket_.drain([&](const RxFrame& f) {
      const std::int64_t t_user = monotonic_ns();
      if (f.pkttype == PACKET_OUTGOING) return;
      auto eth = parse_ethernet(f.data);
      std::optional<ReplyMatch> match;
      int ttl = -1;
      if (eth && eth->header.ether_type == kEtherTypeIpv4) {
        auto ip = parse_ipv4_packet(eth->payload);
        if (ip && ip->header.protocol == kProtoIcmp && ip->header.dst == src_ && ip->header.src == dst_) {
          ttl = ip->header.ttl;
          if (auto echo = parse_icmp4_echo(ip->payload)) match = matcher_.match_echo(*echo, kIcmpEchoReply, sink.next_seq());
        }
      }
      if (!match) {
        sink.foreign();
        return;
      }
      ReplyEvent e;
      e.seq = match->seq;
      e.t_recv_kernel_realtime_ns = f.realtime_ns;
      e.t_recv_user_ns = t_user;
      e.peer_proc_ns = match->peer_proc_ns ? static_cast<std::int64_t>(*match->peer_proc_ns) : kNoTime;
      e.ttl = ttl;
      sink.reply(e);
    });
  }

  PacketSocket socket_;
  Ipv4Address src_;
  Ipv4Address dst_;
  ReplyMatcher matcher_;
  std::vector<std::uint8_t> frame_;
  TxStampQueue tx_queue_;
  bool tx_ = false;
};

// Sends up to three ARP requests for `target` and waits for the answer in the ring.
std::optional<MacAddress> resolve_with_arp(PacketSocket& socket, const InterfaceInfo& dev, const Ipv4Address& source,
                                           const Ipv4Address& target) {
  std::uint8_t frame[kEthernetHeaderSize + kArpSize + 18] = {};
  build_ethernet(frame, {kBroadcastMac, dev.mac, kEtherTypeArp});
  build_arp(std::span(frame).subspan(kEthernetHeaderSize), {kArpRequest, dev.mac, source, MacAddress{}, target});
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (socket.send(frame) != 0) return std::nullopt;
    const std::int64_t until = monotonic_ns() + 300'000'000;
    while (monotonic_ns() < until) {
      pollfd pfd{socket.fd(), POLLIN, 0};
      ::poll(&pfd, 1, 20);
      std::optional<MacAddress> found;
      socket.drain([&](const RxFrame& f) {
        auto eth = parse_ethernet(f.data);
        if (!eth || eth->header.ether_type != kEtherTypeArp) return;
        auto arp = parse_arp(eth->payload);
        if (arp && arp->operation == kArpReply && arp->sender_ip == target) found = arp->sender_mac;
      });
      if (found) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<ExitCode> run_raw_probe(const AgentOptions& o, JsonLineWriter& out) {
  auto dev = query_interface(o.ifname);
  if (!dev) return dev.error();
  if (static_cast<std::int64_t>(o.payload + kIpv4HeaderSize + kIcmpEchoHeaderSize) > dev->mtu) {
    return usage_error("--payload " + std::to_string(o.payload) + ": does not fit the MTU " + std::to_string(dev->mtu) +
                       " of " + dev->name + " (at most " +
                       std::to_string(dev->mtu - static_cast<int>(kIpv4HeaderSize + kIcmpEchoHeaderSize)) + " bytes)");
  }
  if (!dev->up) return environment_error("device " + dev->name + " is down");
  Ipv4Address source{};
  if (o.source_set) {
    source = o.source;
  } else if (dev->ipv4) {
    source = *dev->ipv4;
  } else {
    return environment_error("device " + dev->name + " has no IPv4 address; pass --source ADDR");
  }
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

  std::optional<MacAddress> next_hop = lookup_neighbour(o.target.v4, dev->name);
  const char* next_hop_source = "kernel neighbour table";
  if (!next_hop) {
    next_hop = resolve_with_arp(*socket, *dev, source, o.target.v4);
    next_hop_source = "own ARP request";
  }
  if (!next_hop) {
    return failure_error("target " + format_ip(o.target) + " did not answer ARP on " + dev->name + " (3 requests)");
  }
  report.set("ifname", dev->name);
  report.set("ifindex", dev->index);
  report.set("mac", format_mac(dev->mac));
  report.set("mtu", dev->mtu);
  report.set("source", format_ipv4(source));
  report.set("next_hop_mac", format_mac(*next_hop));
  report.set("next_hop_source", next_hop_source);
  const std::uint16_t ident =
      o.ident >= 0 ? static_cast<std::uint16_t>(o.ident) : static_cast<std::uint16_t>(random_u64());
  report.set("identifier", static_cast<int>(ident));
  RawTransport transport(std::move(*socket), dev->mac, *next_hop, source, o.target.v4, ident, random_u64(), o.payload);
  const TimestampingState ts = setup_kernel_stamps(transport.fd(), true, o.kernel_stamps);
  transport.set_tx(ts.tx);
  report.set("timestamping", "software");
  report.set("tx_timestamp", ts.tx ? SocketReport::Value{std::string("software (error queue)")}
                                   : SocketReport::Value{nullptr});
  report.set("rx_timestamp", "tpacket3_hdr tp_sec/tp_nsec (kernel, on arrival)");
  report.set("timestamping_note",
             ts.note.empty() ? SocketReport::Value{std::string(
                                   "rtt_user_ns includes the wait for the TPACKET_V3 block to retire "
                                   "(up to ring_block_timeout_ms); rtt_kernel_ns does not")}
                             : SocketReport::Value{ts.note});
  return run_probe(o, transport, report, out);
}

}  // namespace latlab::agent
