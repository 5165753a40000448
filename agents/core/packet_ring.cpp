#include "core/packet_ring.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace latlab::agent {

PacketSocket::PacketSocket(PacketSocket&& other) noexcept
    : fd_(std::move(other.fd_)),
      map_(std::exchange(other.map_, nullptr)),
      map_size_(std::exchange(other.map_size_, 0)),
      blocks_(other.blocks_),
      block_size_(other.block_size_),
      current_(other.current_),
      ifindex_(other.ifindex_) {}

PacketSocket::~PacketSocket() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

Result<PacketSocket> PacketSocket::open(const PacketSocketConfig& c, SocketReport& report) {
  PacketSocket s;
  s.ifindex_ = c.ifindex;
  // Protocol 0: receive nothing until the ring is ready and bind() names the device.
  s.fd_ = UniqueFd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!s.fd_.valid()) {
    const int err = errno;
    if (err == EPERM || err == EACCES) {
      return environment_error("opening an AF_PACKET socket: " + errno_text(err) + "; needs CAP_NET_RAW");
    }
    return environment_error("opening an AF_PACKET socket: " + errno_text(err));
  }
  const int fd = s.fd_.get();
  int version = TPACKET_V3;
  if (::setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) != 0) {
    return environment_error("PACKET_VERSION TPACKET_V3: " + errno_text(errno));
  }
  tpacket_req3 req{};
  req.tp_block_size = c.block_size;
  req.tp_block_nr = c.blocks;
  req.tp_frame_size = c.frame_size;
  req.tp_frame_nr = (c.block_size / c.frame_size) * c.blocks;
  req.tp_retire_blk_tov = c.block_timeout_ms;
  req.tp_feature_req_word = 0;
  if (::setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0) {
    return environment_error("PACKET_RX_RING (" + std::to_string(c.blocks) + " blocks of " +
                             std::to_string(c.block_size) + " bytes): " + errno_text(errno));
  }
  s.map_size_ = static_cast<std::size_t>(c.block_size) * c.blocks;
  void* map = ::mmap(nullptr, s.map_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
  if (map == MAP_FAILED) map = ::mmap(nullptr, s.map_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return environment_error("mapping the RX ring: " + errno_text(errno));
  s.map_ = static_cast<std::uint8_t*>(map);
  s.blocks_ = c.blocks;
  s.block_size_ = c.block_size;

  int one = 1;
  const bool ignore_outgoing = ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) == 0;
  if (c.qdisc_bypass && ::setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) != 0) {
    return environment_error("--qdisc-bypass on: PACKET_QDISC_BYPASS: " + errno_text(errno));
  }
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = c.ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof(ll)) != 0) {
    return environment_error("binding the AF_PACKET socket to ifindex " + std::to_string(c.ifindex) + ": " +
                             errno_text(errno));
  }
  if (c.fanout_group >= 0) {
    const int arg = (c.fanout_group & 0xffff) | (PACKET_FANOUT_HASH << 16);
    if (::setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) != 0) {
      return environment_error("--fanout " + std::to_string(c.fanout_group) + ": PACKET_FANOUT: " + errno_text(errno));
    }
  }
  report.set("socket_type", "packet");
  report.set("protocol", "ETH_P_ALL");
  report.set("ring", "TPACKET_V3 rx");
  report.set("ring_blocks", static_cast<int>(c.blocks));
  report.set("ring_block_size", static_cast<int>(c.block_size));
  report.set("ring_frame_size", static_cast<int>(c.frame_size));
  report.set("ring_block_timeout_ms", static_cast<int>(c.block_timeout_ms));
  report.set("tx", "send(2) on the packet socket");
  report.set("qdisc_bypass", c.qdisc_bypass);
  report.set("fanout", c.fanout_group >= 0 ? SocketReport::Value{std::int64_t{c.fanout_group}}
                                           : SocketReport::Value{nullptr});
  report.set("ignore_outgoing", ignore_outgoing);
  return s;
}

int PacketSocket::send(std::span<const std::uint8_t> frame) {
  const ssize_t n = ::send(fd_.get(), frame.data(), frame.size(), 0);
  return n < 0 ? errno : 0;
}

}  // namespace latlab::agent
