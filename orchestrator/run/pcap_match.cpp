#include "run/pcap_match.h"

#include <algorithm>
#include <cstring>

namespace latlab::run {

namespace {

constexpr uint8_t kMagic[4] = {'L', 'L', 'A', 'B'};
constexpr size_t kPayloadMin = 32;

uint64_t be64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

bool same_addr(const std::array<uint8_t, 16>& a, int family, const scenario::IpAddr& b) {
  if (family != b.family) return false;
  return std::memcmp(a.data(), b.bytes.data(), b.size()) == 0;
}

struct Payload {
  uint64_t cookie;
  uint64_t seq;
};

std::optional<Payload> latlab_payload(std::span<const uint8_t> p) {
  if (p.size() < kPayloadMin || std::memcmp(p.data(), kMagic, 4) != 0) return std::nullopt;
  return Payload{be64(p.data() + 8), be64(p.data() + 16)};
}

}  // namespace

FrameMatch classify_frame(const DecodedFrame& f, const MatchKeys& k) {
  FrameMatch m;
  const bool icmp_probe = k.echo == Echo::icmp;
  FrameRole role = FrameRole::other;
  if (icmp_probe && f.kind == FrameKind::icmp_echo_request && same_addr(f.dst, f.family, k.target)) {
    role = FrameRole::request;
  } else if (icmp_probe && f.kind == FrameKind::icmp_echo_reply && same_addr(f.src, f.family, k.target)) {
    role = FrameRole::reply;
  } else if (k.echo == Echo::udp && f.kind == FrameKind::udp) {
    if (same_addr(f.dst, f.family, k.target) && f.dst_port == k.udp_port)
      role = FrameRole::request;
    else if (same_addr(f.src, f.family, k.target) && f.src_port == k.udp_port)
      role = FrameRole::reply;
  }
  if (role == FrameRole::other) return m;

  m.role = FrameRole::foreign;
  auto payload = latlab_payload(f.payload);
  if (payload) m.cookie = payload->cookie;
  if (icmp_probe) {
    if (k.icmp_ident && f.icmp_ident != *k.icmp_ident) return m;
    if (payload) {
      if (k.cookie && payload->cookie != *k.cookie) return m;
      if (f.icmp_seq != static_cast<uint16_t>(payload->seq)) return m;
      m.seq = static_cast<int64_t>(payload->seq);
    } else {
      if (!k.icmp_ident) return m;  // a plain echo we cannot attribute
      m.seq = f.icmp_seq;
    }
  } else {
    if (k.udp_local_port && (role == FrameRole::request ? f.src_port : f.dst_port) != *k.udp_local_port)
      return m;
    if (!payload || (k.cookie && payload->cookie != *k.cookie)) return m;
    m.seq = static_cast<int64_t>(payload->seq);
  }
  if (m.seq < 0) return m;  // a payload seq beyond int64: not ours
  m.role = role;
  return m;
}

void CookieVote::add(const FrameMatch& m) {
  if ((m.role != FrameRole::request && m.role != FrameRole::reply) || !m.cookie) return;
  ++votes_;
  auto it = counts_.find(*m.cookie);
  if (it != counts_.end())
    ++it->second;
  else if (counts_.size() < 256)
    counts_.emplace(*m.cookie, 1);
}

std::optional<uint64_t> CookieVote::winner() const {
  std::optional<uint64_t> best;
  uint64_t best_count = 0;
  for (const auto& [cookie, count] : counts_) {
    if (count > best_count || (count == best_count && best && cookie < *best)) {
      best = cookie;
      best_count = count;
    }
  }
  return best;
}

int64_t ClockMap::to_monotonic(int64_t realtime_ns) const {
  int64_t offset = offset_start_ns;
  if (offset_end_ns && end_mono_ns > start_mono_ns) {
    int64_t approx = realtime_ns - offset_start_ns;
    __int128 pos = std::clamp<int64_t>(approx, start_mono_ns, end_mono_ns) - start_mono_ns;
    __int128 drift =
        static_cast<__int128>(*offset_end_ns - offset_start_ns) * pos / (end_mono_ns - start_mono_ns);
    offset += static_cast<int64_t>(drift);
  }
  return realtime_ns - offset;
}

CaptureMatcher::CaptureMatcher(MatchKeys keys, ClockMap clock, size_t interfaces, uint64_t dense_seqs)
    : keys_(std::move(keys)),
      clock_(clock),
      counts_(std::min(interfaces, kMaxInterfaces)),
      dense_limit_(std::min<uint64_t>(dense_seqs, 1ull << 26)) {}

CaptureMatcher::Entry& CaptureMatcher::entry(int64_t seq) {
  if (static_cast<uint64_t>(seq) < dense_limit_) {
    if (static_cast<size_t>(seq) >= dense_.size()) {
      size_t grow = std::max<size_t>(static_cast<size_t>(seq) + 1, dense_.size() * 2);
      dense_.resize(std::min<size_t>(grow, dense_limit_));
    }
    return dense_[static_cast<size_t>(seq)];
  }
  return sparse_[seq];
}

void CaptureMatcher::add_frame(size_t iface, int64_t ts_realtime_ns, const DecodedFrame& f) {
  if (iface >= counts_.size()) return;
  InterfaceCounts& c = counts_[iface];
  const int64_t mono = clock_.to_monotonic(ts_realtime_ns);
  ++c.frames;
  if (!c.first_frame_mono_ns) c.first_frame_mono_ns = mono;
  c.last_frame_mono_ns = mono;
  FrameMatch m = classify_frame(f, keys_);
  if (m.role == FrameRole::other) {
    ++c.other_frames;
    return;
  }
  if (m.role == FrameRole::foreign) {
    ++c.foreign_frames;
    return;
  }
  Entry& e = entry(m.seq);
  const uint32_t bit = 1u << iface;
  const auto rank = static_cast<uint8_t>(iface);
  if (m.role == FrameRole::request) {
    if (e.request_mask & bit) {
      ++c.duplicate_requests;
      return;
    }
    e.request_mask |= bit;
    ++c.requests_seen;
    if (rank < e.send_iface) {
      e.send_iface = rank;
      e.send = mono;
    }
  } else {
    if (e.reply_mask & bit) {
      ++c.duplicate_replies;
      return;
    }
    e.reply_mask |= bit;
    ++c.replies_seen;
    if (rank < e.recv_iface) {
      e.recv_iface = rank;
      e.recv = mono;
    }
  }
}

void CaptureMatcher::for_each_entry(const std::function<void(int64_t, const Entry&)>& fn) const {
  for (size_t i = 0; i < dense_.size(); ++i)
    if (dense_[i].request_mask || dense_[i].reply_mask) fn(static_cast<int64_t>(i), dense_[i]);
  for (const auto& [seq, e] : sparse_) fn(seq, e);
}

void CaptureMatcher::finish() {
  for (auto& c : counts_) c.wire_send_from = c.wire_recv_from = 0;
  for_each_entry([&](int64_t, const Entry& e) {
    if (e.send_iface < counts_.size()) ++counts_[e.send_iface].wire_send_from;
    if (e.recv_iface < counts_.size()) ++counts_[e.recv_iface].wire_recv_from;
  });
}

void CaptureMatcher::for_each_wire_time(
    const std::function<void(int64_t, std::optional<int64_t>, std::optional<int64_t>)>& fn) const {
  for_each_entry([&](int64_t seq, const Entry& e) {
    std::optional<int64_t> send, recv;
    if (e.send_iface != 0xff) send = e.send;
    if (e.recv_iface != 0xff) recv = e.recv;
    fn(seq, send, recv);
  });
}

}  // namespace latlab::run
