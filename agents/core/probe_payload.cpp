#include "core/probe_payload.h"

#include <cstring>

#include "core/byte_order.h"

namespace latlab::agent {

namespace {
constexpr std::uint8_t kMagic[4] = {'L', 'L', 'A', 'B'};
}

bool write_probe_payload(std::span<std::uint8_t> out, std::uint64_t cookie, std::uint64_t seq) {
  if (out.size() < kProbePayloadMinSize) return false;
  std::uint8_t* p = out.data();
  std::memcpy(p, kMagic, 4);
  p[4] = p[5] = p[6] = p[7] = 0;
  store_be64(p + 8, cookie);
  store_be64(p + 16, seq);
  store_be64(p + kPeerProcOffset, 0);
  for (std::size_t i = kProbePayloadMinSize; i < out.size(); ++i) p[i] = static_cast<std::uint8_t>(i);
  return true;
}

void set_probe_seq(std::span<std::uint8_t> payload, std::uint64_t seq) { store_be64(payload.data() + 16, seq); }

bool is_probe_payload(std::span<const std::uint8_t> payload) {
  return payload.size() >= kProbePayloadMinSize && std::memcmp(payload.data(), kMagic, 4) == 0;
}

bool set_peer_proc(std::span<std::uint8_t> payload, std::uint64_t peer_proc_ns) {
  if (!is_probe_payload(payload)) return false;
  payload[4] |= kPeerProcValid;
  store_be64(payload.data() + kPeerProcOffset, peer_proc_ns);
  return true;
}

std::optional<ProbePayload> parse_probe_payload(std::span<const std::uint8_t> payload) {
  if (!is_probe_payload(payload)) return std::nullopt;
  ProbePayload out;
  out.cookie = load_be64(payload.data() + 8);
  out.seq = load_be64(payload.data() + 16);
  out.peer_proc_valid = (payload[4] & kPeerProcValid) != 0;
  out.peer_proc_ns = load_be64(payload.data() + kPeerProcOffset);
  return out;
}

}  // namespace latlab::agent
