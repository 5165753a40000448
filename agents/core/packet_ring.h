// An AF_PACKET socket on one device with a TPACKET_V3 RX ring (mmap'ed
// blocks that the kernel hands over when full or when the block timeout
// expires — so a frame may wait up to --ring-block-timeout in the ring before
// user space sees it; its tpacket3_hdr stamp is taken when it arrived).
// Frames are sent with send(2) on the same socket.
#pragma once

#include <linux/if_packet.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/clock.h"
#include "core/result.h"
#include "core/socket_report.h"
#include "core/unique_fd.h"

namespace latlab::agent {

struct PacketSocketConfig {
  int ifindex = 0;
  bool qdisc_bypass = false;
  int fanout_group = -1;
  std::uint32_t blocks = 8;
  std::uint32_t block_size = 1u << 16;
  std::uint32_t block_timeout_ms = 1;
  std::uint32_t frame_size = 2048;
};

struct RxFrame {
  std::span<const std::uint8_t> data;
  std::int64_t realtime_ns;  // tpacket3_hdr tp_sec/tp_nsec
  std::uint8_t pkttype;      // PACKET_HOST, PACKET_BROADCAST, PACKET_OTHERHOST, ...
};

class PacketSocket {
 public:
  static Result<PacketSocket> open(const PacketSocketConfig& config, SocketReport& report);

  PacketSocket(PacketSocket&& other) noexcept;
  PacketSocket& operator=(PacketSocket&&) = delete;
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;
  ~PacketSocket();

  [[nodiscard]] int fd() const { return fd_.get(); }
  // Returns 0 or errno.
  int send(std::span<const std::uint8_t> frame);

  // Calls on_frame(const RxFrame&) for every frame of every block the kernel
  // has handed over, then gives the blocks back. Returns the frame count.
  template <typename F>
  std::size_t drain(F&& on_frame) {
    std::size_t frames = 0;
    while (true) {
      auto* block = reinterpret_cast<tpacket_block_desc*>(map_ + static_cast<std::size_t>(current_) * block_size_);
      if ((__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) break;
      const std::uint32_t count = block->hdr.bh1.num_pkts;
      auto* hdr = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(block) +
                                                  block->hdr.bh1.offset_to_first_pkt);
      for (std::uint32_t i = 0; i < count; ++i) {
        const auto* ll = reinterpret_cast<const sockaddr_ll*>(reinterpret_cast<const std::uint8_t*>(hdr) +
                                                              TPACKET_ALIGN(sizeof(tpacket3_hdr)));
        RxFrame frame{{reinterpret_cast<const std::uint8_t*>(hdr) + hdr->tp_mac, hdr->tp_snaplen},
                      static_cast<std::int64_t>(hdr->tp_sec) * 1'000'000'000 + hdr->tp_nsec,
                      ll->sll_pkttype};
        on_frame(frame);
        ++frames;
        hdr = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(hdr) + hdr->tp_next_offset);
      }
      __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
      current_ = (current_ + 1) % blocks_;
    }
    return frames;
  }

 private:
  PacketSocket() = default;

  UniqueFd fd_;
  std::uint8_t* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::uint32_t blocks_ = 0;
  std::uint32_t block_size_ = 0;
  std::uint32_t current_ = 0;
  int ifindex_ = 0;
};

}  // namespace latlab::agent
