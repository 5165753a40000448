// ftrace text parsing and the skbaddr join, on a recorded trace of
// `ping -c 3` over a veth pair between two namespaces (tests/data/trace).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "run/trace_parse.h"

using namespace latlab::run;

namespace {

std::vector<std::string> read_lines(const std::string& name) {
  std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/tests/data/trace/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<std::string> out;
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

std::vector<TraceEvent> recorded_events() {
  std::vector<TraceEvent> ev;
  for (const auto& l : read_lines("ping_veth.txt")) {
    auto t = parse_trace_line(l);
    if (t.kind == TraceLineKind::event) ev.push_back(t.ev);
  }
  std::vector<RawStamp> raw;
  for (const auto& l : read_lines("ping_veth_raw.txt"))
    if (auto r = parse_raw_trace_line(l)) raw.push_back(*r);
  EXPECT_EQ(raw.size(), ev.size());
  for (size_t i = 0; i < raw.size() && i < ev.size(); ++i) {
    EXPECT_EQ(raw[i].pid, ev[i].pid) << i;
    EXPECT_LE(std::abs(raw[i].t_ns - ev[i].t_ns), 1000) << i;
    ev[i].t_ns = raw[i].t_ns;
  }
  return ev;
}

}  // namespace

TEST(TraceParse, DeviceEventLine) {
  auto t = parse_trace_line(
      "            ping-26645   [000] b....  1167.174522: net_dev_queue: dev=lltr0 skbaddr=000000002f827d1d len=42");
  ASSERT_EQ(t.kind, TraceLineKind::event);
  EXPECT_EQ(t.ev.comm, "ping");
  EXPECT_EQ(t.ev.pid, 26645);
  EXPECT_EQ(t.ev.cpu, 0);
  EXPECT_EQ(t.ev.t_ns, 1167174522000);
  EXPECT_EQ(t.ev.event, "net_dev_queue");
  EXPECT_EQ(t.ev.dev, "lltr0");
  EXPECT_EQ(t.ev.skbaddr, "000000002f827d1d");
  EXPECT_EQ(t.ev.len, 42);
}

// Found by fuzz_trace: a timestamp whose nanoseconds overflow int64 is not
// an event (it was undefined behaviour).
TEST(TraceParse, ATimestampPastInt64NanosecondsIsNotAnEvent) {
  auto t = parse_trace_line(
      "            ping-26645   [000] b....  11670292042.174522: net_dev_queue: dev=lltr0 skbaddr=0000 len=42");
  EXPECT_NE(t.kind, TraceLineKind::event);
  auto ok = parse_trace_line("            ping-26645   [000] b....  9223372035.000000: net_dev_queue: dev=lltr0 len=1");
  ASSERT_EQ(ok.kind, TraceLineKind::event);
  EXPECT_EQ(ok.ev.t_ns, 9223372035000000000);
}

TEST(TraceParse, KfreeSkbKeepsReasonAndLocation) {
  auto t = parse_trace_line(
      "            ping-26645   [000] ..s1.  1167.174558: kfree_skb: skbaddr=0000000065aee990 "
      "rx_sk=0000000000000000 protocol=2048 location=ping_rcv+0xb3/0xe0 reason: NO_SOCKET");
  ASSERT_EQ(t.kind, TraceLineKind::event);
  EXPECT_EQ(t.ev.event, "kfree_skb");
  EXPECT_EQ(t.ev.detail, "protocol=2048 location=ping_rcv+0xb3/0xe0 reason=NO_SOCKET");
  EXPECT_FALSE(t.ev.len.has_value());
}

TEST(TraceParse, CommWithDashesSpacesFunctionLinesAndLost) {
  auto t = parse_trace_line("     kworker/1:1-41      [001] .....  1167.236920: consume_skb: skbaddr=00000000a2831990 "
                            "location=virtio_transport_tx_work+0x64/0x120");
  ASSERT_EQ(t.kind, TraceLineKind::event);
  EXPECT_EQ(t.ev.comm, "kworker/1:1");
  EXPECT_EQ(t.ev.pid, 41);
  auto f = parse_trace_line("  latlab-agent-77 [001] ..... 12.000001: udp_sendmsg <-inet_sendmsg");
  ASSERT_EQ(f.kind, TraceLineKind::event);
  EXPECT_EQ(f.ev.comm, "latlab-agent");
  EXPECT_EQ(f.ev.event, "function");
  EXPECT_EQ(f.ev.detail, "udp_sendmsg <-inet_sendmsg");
  EXPECT_EQ(f.ev.t_ns, 12000001000);
  auto l = parse_trace_line("CPU:1 [LOST 128 EVENTS]");
  EXPECT_EQ(l.kind, TraceLineKind::lost);
  EXPECT_EQ(l.lost, 128);
  EXPECT_EQ(parse_trace_line("# tracer: nop").kind, TraceLineKind::comment);
  EXPECT_EQ(parse_trace_line("garbage").kind, TraceLineKind::other);
}

TEST(TraceParse, RecordedTraceZipsNanosecondStamps) {
  auto ev = recorded_events();
  ASSERT_EQ(ev.size(), 55u);
  EXPECT_EQ(ev[0].t_ns, 1167174521826);
  EXPECT_EQ(ev[0].event, "net_dev_queue");
}

TEST(TraceParse, RecordedTraceJoinsEveryPacketOnSkbaddr) {
  auto ev = recorded_events();
  auto timelines = join_on_skbaddr(ev);
  auto s = summarize_hops(timelines);
  // 1 ARP request + reply, 3 echo requests + replies; every one is freed; the
  // replies are dropped by ping_rcv (ping(8) reads them on a raw socket).
  EXPECT_EQ(s.packets, 8);
  EXPECT_EQ(s.freed, 8);
  EXPECT_EQ(s.dropped, 3);
  EXPECT_EQ(s.drop_reasons["NO_SOCKET"], 3);
  EXPECT_EQ(s.hop_counts["net_dev_queue"], 8);
  EXPECT_EQ(s.hop_counts["net_dev_start_xmit"], 8);
  EXPECT_EQ(s.hop_counts["netif_rx"], 8);
  EXPECT_EQ(s.hop_counts["net_dev_xmit"], 8);
  EXPECT_EQ(s.hop_counts["netif_receive_skb"], 8);
  EXPECT_EQ(s.hop_counts["consume_skb"], 5);  // of 12: netlink, virtio and second frees are not lab packets
  EXPECT_EQ(s.hop_counts["kfree_skb"], 3);
  // On veth the peer's netif_rx happens inside start_xmit, before net_dev_xmit.
  EXPECT_EQ(s.hop_pairs["net_dev_start_xmit>netif_rx"], 8);
  EXPECT_EQ(s.hop_pairs["netif_rx>net_dev_xmit"], 8);
  EXPECT_EQ(s.hop_pairs["net_dev_xmit>netif_receive_skb"], 8);
  ASSERT_TRUE(s.queue_to_receive_median_ns.has_value());
  EXPECT_GT(*s.queue_to_receive_median_ns, 0);
  EXPECT_LT(*s.queue_to_receive_median_ns, 100'000);

  // The first echo request, hop by hop, in nanoseconds.
  const HopTimeline* req = nullptr;
  for (const auto& t : timelines)
    if (t.skbaddr == "000000005598944a" && t.events.front()->event == "net_dev_queue") {
      req = &t;
      break;
    }
  ASSERT_NE(req, nullptr);
  std::vector<std::string> names;
  for (const auto* e : req->events) names.push_back(e->event);
  EXPECT_EQ(names, (std::vector<std::string>{"net_dev_queue", "net_dev_start_xmit", "netif_rx", "net_dev_xmit",
                                             "netif_receive_skb", "consume_skb"}));
  EXPECT_EQ(req->events.back()->detail, "location=icmp_rcv+0x259/0x3a0");
}

TEST(TraceParse, AReusedAddressStartsANewPacketAtTheNextQueue) {
  std::vector<TraceEvent> ev(4);
  const char* names[] = {"net_dev_queue", "net_dev_xmit", "net_dev_queue", "net_dev_xmit"};
  for (int i = 0; i < 4; ++i) {
    ev[i].event = names[i];
    ev[i].skbaddr = "a";
    ev[i].dev = "eth0";
    ev[i].t_ns = 100 * (i + 1);
  }
  auto t = join_on_skbaddr(ev);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].events.size(), 2u);
  auto s = summarize_hops(t);
  EXPECT_EQ(s.hop_median_ns["net_dev_queue>net_dev_xmit"], 100);
  EXPECT_EQ(s.freed, 0);
}

TEST(TraceParse, AFreeLongAfterThePacketIsALaterUseOfTheAddress) {
  std::vector<TraceEvent> ev(3);
  const char* names[] = {"net_dev_xmit", "netif_receive_skb", "consume_skb"};
  const int64_t at[] = {1'000, 2'000, 2'000 + default_join_gap_ns + 1};
  for (int i = 0; i < 3; ++i) {
    ev[i].event = names[i];
    ev[i].skbaddr = "a";
    ev[i].t_ns = at[i];
  }
  auto t = join_on_skbaddr(ev);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].events.size(), 2u);
  auto s = summarize_hops(t);
  EXPECT_EQ(s.freed, 0);
  EXPECT_EQ(s.hop_counts.count("consume_skb"), 0u);
}
