#include "core/reply_matcher.h"

#include "core/probe_payload.h"

namespace latlab::agent {

std::optional<ReplyMatch> ReplyMatcher::match_echo(const EchoMessage& message, std::uint8_t reply_type,
                                                   std::uint64_t next_seq) const {
  if (message.type != reply_type || message.identifier != identifier_) return std::nullopt;
  auto match = match_payload(message.payload, next_seq);
  if (!match) return std::nullopt;
  if (message.sequence != static_cast<std::uint16_t>(match->seq)) return std::nullopt;
  return match;
}

std::optional<ReplyMatch> ReplyMatcher::match_payload(std::span<const std::uint8_t> payload,
                                                      std::uint64_t next_seq) const {
  auto parsed = parse_probe_payload(payload);
  if (!parsed || parsed->cookie != cookie_ || parsed->seq >= next_seq) return std::nullopt;
  ReplyMatch match;
  match.seq = parsed->seq;
  if (parsed->peer_proc_valid) match.peer_proc_ns = parsed->peer_proc_ns;
  return match;
}

}  // namespace latlab::agent
