// The payload every latlab probe sends (ICMP echo data, UDP datagram):
//
//   offset  size  field
//   0       4     magic "LLAB"
//   4       1     flags (bit 0: peer_proc_ns is filled in by a responder)
//   5       3     reserved, 0
//   8       8     cookie: random per run, big-endian
//   16      8     sequence number, big-endian
//   24      8     peer_proc_ns: responder's receive stamp -> send time, big-endian
//   32      ...   filler bytes (i & 0xff)
//
// A reply belongs to this run only if the magic and the cookie match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace latlab::agent {

inline constexpr std::size_t kProbePayloadMinSize = 32;
inline constexpr std::size_t kPeerProcOffset = 24;
inline constexpr std::uint8_t kPeerProcValid = 0x01;

struct ProbePayload {
  std::uint64_t cookie = 0;
  std::uint64_t seq = 0;
  bool peer_proc_valid = false;
  std::uint64_t peer_proc_ns = 0;
};

// Fills the whole of `out` (at least kProbePayloadMinSize bytes); returns false if too small.
bool write_probe_payload(std::span<std::uint8_t> out, std::uint64_t cookie, std::uint64_t seq);
// Rewrites only the sequence number (the rest of a prebuilt payload stays).
void set_probe_seq(std::span<std::uint8_t> payload, std::uint64_t seq);
// Responder side: marks peer_proc_ns valid and stores it. Returns false if
// `payload` is not a latlab payload.
bool set_peer_proc(std::span<std::uint8_t> payload, std::uint64_t peer_proc_ns);
std::optional<ProbePayload> parse_probe_payload(std::span<const std::uint8_t> payload);
bool is_probe_payload(std::span<const std::uint8_t> payload);

}  // namespace latlab::agent
