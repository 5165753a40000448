// Real tcpdump files of real agent runs (tests/data/pcap/README.md): the
// decoder, the matcher and the clock mapping on what the kernel and tcpdump
// actually wrote, checked against the agent's own sample times.
#include <gtest/gtest.h>

#include <map>

#include "run/pcap_match.h"
#include "run/pcap_reader.h"

namespace latlab::run {
namespace {

struct AgentSample {
  int64_t t_send_user;
  int64_t t_recv_user;
};

std::string data_file(const std::string& name) {
  return std::string(LATLAB_SOURCE_DIR) + "/tests/data/pcap/" + name;
}

struct Matched {
  InterfaceCounts counts;
  std::map<int64_t, std::pair<std::optional<int64_t>, std::optional<int64_t>>> wire;
  std::optional<uint64_t> cookie;
  std::string linktype;
};

Matched match_file(const std::string& file, MatchKeys keys, int64_t offset) {
  Matched out;
  {
    auto r = PcapReader::open(file);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
    if (!r.ok()) return out;
    CookieVote vote;
    while (true) {
      auto p = r->next();
      if (!p.ok() || !*p) break;
      vote.add(classify_frame(decode_frame(r->linktype(), (*p)->data), keys));
    }
    out.cookie = keys.cookie = vote.winner();
  }
  auto r = PcapReader::open(file);
  out.linktype = r->linktype_name();
  ClockMap clock;
  clock.offset_start_ns = offset;
  CaptureMatcher m(keys, clock, 1, 16);
  while (true) {
    auto p = r->next();
    EXPECT_TRUE(p.ok());
    if (!p.ok() || !*p) break;
    m.add_frame(0, (*p)->ts_realtime_ns, decode_frame(r->linktype(), (*p)->data));
  }
  m.finish();
  out.counts = m.counts(0);
  m.for_each_wire_time([&](int64_t seq, std::optional<int64_t> s, std::optional<int64_t> rcv) {
    out.wire[seq] = {s, rcv};
  });
  return out;
}

void expect_inside(const Matched& m, const std::map<int64_t, AgentSample>& samples) {
  ASSERT_EQ(m.wire.size(), samples.size());
  for (const auto& [seq, s] : samples) {
    auto it = m.wire.find(seq);
    ASSERT_NE(it, m.wire.end()) << "seq " << seq;
    auto [send, recv] = it->second;
    ASSERT_TRUE(send && recv) << "seq " << seq;
    // Inside the agent's user-space send and receive times.
    EXPECT_GT(*send, s.t_send_user) << "seq " << seq;
    EXPECT_LT(*send, *recv) << "seq " << seq;
    EXPECT_LT(*recv, s.t_recv_user) << "seq " << seq;
  }
}

TEST(PcapRealCapture, AgentIcmpOnAnyDeviceSll2) {
  MatchKeys k;
  k.probe = "icmp";
  k.target = *scenario::IpAddr::parse("198.18.0.2");
  k.icmp_ident = 4242;
  Matched m = match_file(data_file("agent-icmp-any-sll2.pcap"), k, 1795295114264675487);
  EXPECT_EQ(m.linktype, "LINUX_SLL2");
  EXPECT_EQ(m.counts.frames, 4u);
  EXPECT_EQ(m.counts.requests_seen, 2u);
  EXPECT_EQ(m.counts.replies_seen, 2u);
  EXPECT_EQ(m.counts.foreign_frames, 0u);
  EXPECT_TRUE(m.cookie.has_value());
  expect_inside(m, {{0, {3497527183046, 3497527232926}}, {1, {3497537204416, 3497537229186}}});
  // Another identifier: nothing of it is ours.
  k.icmp_ident = 4243;
  Matched other = match_file(data_file("agent-icmp-any-sll2.pcap"), k, 1795295114264675487);
  EXPECT_EQ(other.counts.requests_seen, 0u);
  EXPECT_EQ(other.counts.foreign_frames, 4u);
}

TEST(PcapRealCapture, AgentUdpOnVethEthernet) {
  MatchKeys k;
  k.probe = "udp";
  k.echo = Echo::udp;
  k.target = *scenario::IpAddr::parse("198.18.0.2");
  k.udp_port = 9000;
  k.udp_local_port = 59486;
  Matched m = match_file(data_file("agent-udp-eth0.pcap"), k, 1795295114264675487);
  EXPECT_EQ(m.linktype, "EN10MB");
  EXPECT_EQ(m.counts.requests_seen, 2u);
  EXPECT_EQ(m.counts.replies_seen, 2u);
  expect_inside(m, {{0, {3497538774726, 3497538877016}}, {1, {3497548805335, 3497548858805}}});
  k.udp_local_port = 59487;
  EXPECT_EQ(match_file(data_file("agent-udp-eth0.pcap"), k, 1795295114264675487).counts.foreign_frames, 4u);
}

}  // namespace
}  // namespace latlab::run
