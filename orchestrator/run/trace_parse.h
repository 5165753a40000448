// Parsing of ftrace's text output (the `trace` file of a tracefs instance)
// and the per-packet join of the packet-path tracepoints on skbaddr.
// Pure: lines in, events and summaries out.
//
// A line of the default format:
//   ping-26645   [000] b....  1167.174522: net_dev_queue: dev=lltr0 skbaddr=000000002f827d1d len=42
//   ping-26645   [000] .....  1167.174530: udp_sendmsg <-inet_sendmsg        (function tracer)
// The text timestamp has microsecond precision only. With the instance's
// `options/raw` set, the same buffer prints "pid cpu ns type: N" per entry,
// in the same order: zip_raw_timestamps() puts the nanoseconds back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace latlab::run {

struct TraceEvent {
  int64_t t_ns = 0;  // the instance's clock (latlab sets "mono": CLOCK_MONOTONIC)
  int cpu = -1;
  int pid = -1;
  std::string comm;
  std::string event;  // "net_dev_xmit", ...; "function" for the function tracer
  std::string skbaddr;
  std::string dev;
  std::optional<int64_t> len;
  std::string detail;  // kfree_skb: "reason=NO_SOCKET location=ping_rcv+0xb3/0xe0"; function: "f <-parent"
};

enum class TraceLineKind { event, lost, comment, other };

struct TraceLine {
  TraceLineKind kind = TraceLineKind::other;
  TraceEvent ev;         // kind == event
  int64_t lost = 0;      // kind == lost: "CPU:1 [LOST 12 EVENTS]"
};

TraceLine parse_trace_line(std::string_view line);

// A line printed with options/raw: "26645 0 1167174521826 type: 2304".
struct RawStamp {
  int pid = -1;
  int cpu = -1;
  int64_t t_ns = 0;
};
std::optional<RawStamp> parse_raw_trace_line(std::string_view line);

// The packet path, in the order a packet meets it on a veth or loopback:
// queue, start_xmit, (the peer's netif_rx happens inside start_xmit), xmit,
// receive, then freed.
const std::vector<std::string>& packet_path_events();
bool is_free_event(const std::string& event);  // consume_skb, kfree_skb

// One packet's life between its transmission and its free, joined on skbaddr.
struct HopTimeline {
  std::string skbaddr;
  std::vector<const TraceEvent*> events;  // time order
};

// Joins events (in time order) on skbaddr. A timeline ends at consume_skb or
// kfree_skb (the address may be reused afterwards); a net_dev_queue on an
// address whose timeline already has a transmit starts a new one (a forward
// or a reuse without a traced free). Frees of addresses never seen on a
// packet-path event are not part of any timeline. Some frees do not pass the
// tracepoints (e.g. UDP's stateless consume), so an event more than `max_gap_ns`
// after the timeline's last one belongs to a later use of the address: the
// timeline ends there and that free is not joined.
constexpr int64_t default_join_gap_ns = 10'000'000;
std::vector<HopTimeline> join_on_skbaddr(const std::vector<TraceEvent>& events,
                                         int64_t max_gap_ns = default_join_gap_ns);

struct HopSummary {
  std::map<std::string, int64_t> hop_counts;      // events per tracepoint
  std::map<std::string, int64_t> hop_median_ns;   // "a>b" consecutive hops within a packet
  std::map<std::string, int64_t> hop_pairs;       // how many "a>b" gaps the median is over
  int64_t packets = 0;         // timelines with at least two packet-path events
  int64_t freed = 0;           // of those, ended by consume_skb or kfree_skb
  int64_t dropped = 0;         // ended by kfree_skb
  std::map<std::string, int64_t> drop_reasons;
  std::optional<int64_t> queue_to_receive_median_ns;  // net_dev_queue -> netif_receive_skb
};

HopSummary summarize_hops(const std::vector<HopTimeline>& timelines);

}  // namespace latlab::run
