// Matching captured frames to an experiment's requests and replies, mapping
// capture timestamps (CLOCK_REALTIME) to CLOCK_MONOTONIC, and counting what
// each interface saw.
//
// A frame is one of this experiment's requests or replies when:
//   icmp/raw: an ICMP(v6) echo request to the target (reply: from the target)
//             with the probe's identifier (when known), and either a latlab
//             payload (magic "LLAB") with the run's cookie (when known) and
//             ICMP sequence == low 16 bits of the payload seq -> seq = payload
//             seq; or, without a latlab payload, a known identifier -> seq =
//             ICMP sequence (plain ping).
//   udp:      a datagram to target:port (reply: from target:port), from the
//             probe's local port (when known), with a latlab payload and the
//             run's cookie (when known) -> seq = payload seq.
// Echo/UDP frames of the right shape that fail these checks are "foreign"
// (another run, another prober); everything else captured (ARP, other IP
// packets) is "other".
//
// Wire times: interfaces are ranked (0 first); a sample's wire_send is the
// first sighting of its request on the best-ranked interface that saw it, and
// wire_recv likewise for its reply. Duplicates on one interface keep the first.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "run/kinds.h"
#include "run/pcap_reader.h"
#include "scenario/net_types.h"

namespace latlab::run {

struct MatchKeys {
  std::string probe;       // the probe kind, as recorded
  Echo echo = Echo::icmp;  // what its requests and replies are on the wire
  scenario::IpAddr target;
  std::optional<uint16_t> icmp_ident;
  uint16_t udp_port = 0;                   // the responder's port
  std::optional<uint16_t> udp_local_port;  // the probe's source port
  std::optional<uint64_t> cookie;          // the run's payload cookie
};

enum class FrameRole : uint8_t { request, reply, foreign, other };

struct FrameMatch {
  FrameRole role = FrameRole::other;
  int64_t seq = -1;
  std::optional<uint64_t> cookie;  // a latlab payload's cookie
};

FrameMatch classify_frame(const DecodedFrame& f, const MatchKeys& k);

// Learns the run's cookie when the agent did not report it: the cookie
// carried by most of the frames that match every other key. Bounded memory.
class CookieVote {
 public:
  void add(const FrameMatch& m);
  std::optional<uint64_t> winner() const;
  uint64_t votes() const { return votes_; }

 private:
  std::unordered_map<uint64_t, uint64_t> counts_;
  uint64_t votes_ = 0;
};

// realtime -> monotonic with the offset (realtime - monotonic) measured at
// the start and, when known, the end; linear in between, constant outside.
struct ClockMap {
  int64_t offset_start_ns = 0;
  std::optional<int64_t> offset_end_ns;
  int64_t start_mono_ns = 0;
  int64_t end_mono_ns = 0;
  int64_t to_monotonic(int64_t realtime_ns) const;
};

struct InterfaceCounts {
  uint64_t frames = 0;
  uint64_t requests_seen = 0;  // distinct seqs
  uint64_t replies_seen = 0;
  uint64_t duplicate_requests = 0;
  uint64_t duplicate_replies = 0;
  uint64_t foreign_frames = 0;
  uint64_t other_frames = 0;
  uint64_t wire_send_from = 0;  // samples whose wire_send came from this interface
  uint64_t wire_recv_from = 0;
  std::optional<int64_t> first_frame_mono_ns;
  std::optional<int64_t> last_frame_mono_ns;
};

class CaptureMatcher {
 public:
  static constexpr size_t kMaxInterfaces = 32;
  // seqs below dense_seqs live in a vector, the rest in a hash map.
  CaptureMatcher(MatchKeys keys, ClockMap clock, size_t interfaces, uint64_t dense_seqs);

  // One frame captured on interface `iface` (its rank: 0 is preferred).
  void add_frame(size_t iface, int64_t ts_realtime_ns, const DecodedFrame& f);
  // Fills wire_send_from / wire_recv_from; call once after the last frame.
  void finish();
  const InterfaceCounts& counts(size_t iface) const { return counts_.at(iface); }
  const MatchKeys& keys() const { return keys_; }
  // Every seq with a wire time, in no particular order (monotonic ns).
  void for_each_wire_time(const std::function<void(int64_t seq, std::optional<int64_t> send,
                                                   std::optional<int64_t> recv)>& fn) const;

 private:
  struct Entry {
    int64_t send = 0;
    int64_t recv = 0;
    uint32_t request_mask = 0;  // interfaces that saw the request
    uint32_t reply_mask = 0;
    uint8_t send_iface = 0xff;
    uint8_t recv_iface = 0xff;
  };
  Entry& entry(int64_t seq);
  void for_each_entry(const std::function<void(int64_t, const Entry&)>& fn) const;

  MatchKeys keys_;
  ClockMap clock_;
  std::vector<InterfaceCounts> counts_;
  std::vector<Entry> dense_;
  std::unordered_map<int64_t, Entry> sparse_;
  uint64_t dense_limit_;
};

}  // namespace latlab::run
