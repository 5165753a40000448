// What the icmp and udp probes share: one connected socket, replies read with
// recvmsg (the RX stamp and TTL arrive as control messages), TX stamps read
// off the error queue in batches. A probe kind adds how its request is built
// and how a received message is matched to a request.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>

#include "core/options.h"
#include "core/probe_transport.h"
#include "core/reply_matcher.h"
#include "core/tx_stamp_queue.h"
#include "core/unique_fd.h"

namespace latlab::agent {

class SocketTransport : public ProbeTransport {
 public:
  // Enables kernel stamps as `options` ask and says in `report` what the
  // socket got. Call right before the first send.
  void enable_stamps(const AgentOptions& options, SocketReport& report);
  [[nodiscard]] int fd() const final { return fd_.get(); }
  [[nodiscard]] bool tx_stamps() const final { return tx_; }

  bool blocking_receive(ProbeSink& sink, std::int64_t max_wait_ns) final;
  void handle_input(short revents, ProbeSink& sink) final { receive(revents, sink, MSG_DONTWAIT); }
  void drain_tx_stamps(ProbeSink& sink) final {
    if (tx_) tx_queue_.drain(fd_.get(), sink);
  }

 protected:
  explicit SocketTransport(UniqueFd fd) : fd_(std::move(fd)) {}

  // Sends `message` (t_send_user_ns is read right before the call) and
  // records it for TX stamp matching. Returns 0 or errno.
  int send_message(std::uint64_t seq, std::span<const std::uint8_t> message, std::int64_t& t_send_user_ns);

  // Whether `data` answers one of our requests; `ttl` comes from the control
  // messages and may be replaced from the packet itself.
  [[nodiscard]] virtual std::optional<ReplyMatch> match_reply(std::span<const std::uint8_t> data, int& ttl,
                                                              std::uint64_t next_seq) const = 0;

 private:
  void receive(short revents, ProbeSink& sink, int flags);

  UniqueFd fd_;
  TxStampQueue tx_queue_;
  bool tx_ = false;
  std::int64_t rcvtimeo_ns_ = 0;
  std::uint8_t rx_[65536];
  alignas(cmsghdr) char control_[512];
};

}  // namespace latlab::agent
