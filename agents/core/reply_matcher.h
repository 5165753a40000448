// Decides whether a received echo reply or datagram answers one of our
// requests: identifier (ICMP only), magic, cookie, and a sequence number we
// have actually sent. Everything else is foreign: other pingers on the same
// host, broadcast replies, IPv6 noise.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/icmp.h"

namespace latlab::agent {

struct ReplyMatch {
  std::uint64_t seq = 0;
  std::optional<std::uint64_t> peer_proc_ns;
};

class ReplyMatcher {
 public:
  ReplyMatcher(std::uint16_t identifier, std::uint64_t cookie) : identifier_(identifier), cookie_(cookie) {}

  // ICMP/ICMPv6: `reply_type` is the echo reply type of the family.
  [[nodiscard]] std::optional<ReplyMatch> match_echo(const EchoMessage& message, std::uint8_t reply_type,
                                                     std::uint64_t next_seq) const;
  // UDP: only the payload carries identity.
  [[nodiscard]] std::optional<ReplyMatch> match_payload(std::span<const std::uint8_t> payload,
                                                        std::uint64_t next_seq) const;

  [[nodiscard]] std::uint16_t identifier() const { return identifier_; }
  [[nodiscard]] std::uint64_t cookie() const { return cookie_; }

 private:
  std::uint16_t identifier_;
  std::uint64_t cookie_;
};

}  // namespace latlab::agent
