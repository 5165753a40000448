// Matching captured frames to an experiment's requests and replies, the clock
// mapping and the per-interface counts.
#include "run/pcap_match.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <map>

#include "pcap_test_frames.h"

namespace latlab::run {
namespace {

using namespace latlab::test;

constexpr uint64_t kCookie = 0x1122334455667788ull;
constexpr uint16_t kIdent = 0x5151;

MatchKeys icmp_keys(bool with_cookie = true) {
  MatchKeys k;
  k.probe = "icmp";
  k.target = *scenario::IpAddr::parse("198.18.0.2");
  k.icmp_ident = kIdent;
  if (with_cookie) k.cookie = kCookie;
  return k;
}

MatchKeys udp_keys() {
  MatchKeys k;
  k.probe = "udp";
  k.echo = Echo::udp;
  k.target = *scenario::IpAddr::parse("198.18.0.2");
  k.udp_port = 7;
  k.udp_local_port = 40001;
  k.cookie = kCookie;
  return k;
}

DecodedFrame decode(const Bytes& frame) { return decode_frame(DLT_EN10MB, {frame.data(), frame.size()}); }

Bytes request4(uint64_t seq, uint16_t ident = kIdent, uint64_t cookie = kCookie, V4 dst = kTargetV4) {
  return ethernet(0x0800, ipv4(1, kProbeV4, dst,
                               icmp_echo(8, ident, static_cast<uint16_t>(seq), latlab_payload(cookie, seq))));
}
Bytes reply4(uint64_t seq, uint16_t ident = kIdent, uint64_t cookie = kCookie) {
  return ethernet(0x0800, ipv4(1, kTargetV4, kProbeV4,
                               icmp_echo(0, ident, static_cast<uint16_t>(seq), latlab_payload(cookie, seq))));
}
Bytes udp4(bool request, uint64_t seq, uint16_t local_port = 40001, uint64_t cookie = kCookie) {
  Bytes payload = latlab_payload(cookie, seq);
  return request ? ethernet(0x0800, ipv4(17, kProbeV4, kTargetV4, udp(local_port, 7, payload)))
                 : ethernet(0x0800, ipv4(17, kTargetV4, kProbeV4, udp(7, local_port, payload)));
}

TEST(PcapClassify, IcmpRequestAndReplyCarryThePayloadSeq) {
  // seq 70000: the ICMP sequence wrapped (70000 & 0xffff), the payload did not.
  FrameMatch req = classify_frame(decode(request4(70000)), icmp_keys());
  EXPECT_EQ(req.role, FrameRole::request);
  EXPECT_EQ(req.seq, 70000);
  FrameMatch rep = classify_frame(decode(reply4(70000)), icmp_keys());
  EXPECT_EQ(rep.role, FrameRole::reply);
  EXPECT_EQ(rep.seq, 70000);
}

TEST(PcapClassify, OtherRunsAreForeign) {
  EXPECT_EQ(classify_frame(decode(request4(1, kIdent + 1)), icmp_keys()).role, FrameRole::foreign);
  EXPECT_EQ(classify_frame(decode(reply4(1, kIdent, kCookie + 1)), icmp_keys()).role, FrameRole::foreign);
  // ICMP sequence disagreeing with the payload's seq.
  Bytes odd =
      ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, kIdent, 9, latlab_payload(kCookie, 8))));
  EXPECT_EQ(classify_frame(decode(odd), icmp_keys()).role, FrameRole::foreign);
}

TEST(PcapClassify, EchoToAnotherHostAndArpAreOther) {
  EXPECT_EQ(classify_frame(decode(request4(1, kIdent, kCookie, V4{198, 18, 0, 9})), icmp_keys()).role,
            FrameRole::other);
  EXPECT_EQ(classify_frame(decode(arp_request()), icmp_keys()).role, FrameRole::other);
  // A UDP datagram is not part of an ICMP experiment.
  EXPECT_EQ(classify_frame(decode(udp4(true, 1)), icmp_keys()).role, FrameRole::other);
}

TEST(PcapClassify, PlainPingMatchesOnIdentifierAndIcmpSequence) {
  Bytes plain(56, 0xab);
  Bytes req = ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, kIdent, 3, plain)));
  FrameMatch m = classify_frame(decode(req), icmp_keys());
  EXPECT_EQ(m.role, FrameRole::request);
  EXPECT_EQ(m.seq, 3);
  MatchKeys no_ident = icmp_keys();
  no_ident.icmp_ident.reset();
  EXPECT_EQ(classify_frame(decode(req), no_ident).role, FrameRole::foreign);
}

TEST(PcapClassify, WithoutCookieOrIdentAnyLatlabEchoMatches) {
  MatchKeys k = icmp_keys(false);
  k.icmp_ident.reset();
  FrameMatch m = classify_frame(decode(reply4(4, 77, 999)), k);
  EXPECT_EQ(m.role, FrameRole::reply);
  ASSERT_TRUE(m.cookie.has_value());
  EXPECT_EQ(*m.cookie, 999u);
}

TEST(PcapClassify, Udp) {
  EXPECT_EQ(classify_frame(decode(udp4(true, 5)), udp_keys()).role, FrameRole::request);
  FrameMatch rep = classify_frame(decode(udp4(false, 5)), udp_keys());
  EXPECT_EQ(rep.role, FrameRole::reply);
  EXPECT_EQ(rep.seq, 5);
  EXPECT_EQ(classify_frame(decode(udp4(true, 5, 40002)), udp_keys()).role, FrameRole::foreign);
  EXPECT_EQ(classify_frame(decode(udp4(false, 5, 40001, 3)), udp_keys()).role, FrameRole::foreign);
  Bytes not_latlab = ethernet(0x0800, ipv4(17, kProbeV4, kTargetV4, udp(40001, 7, Bytes(40, 1))));
  EXPECT_EQ(classify_frame(decode(not_latlab), udp_keys()).role, FrameRole::foreign);
  Bytes other_port =
      ethernet(0x0800, ipv4(17, kProbeV4, kTargetV4, udp(40001, 53, latlab_payload(kCookie, 1))));
  EXPECT_EQ(classify_frame(decode(other_port), udp_keys()).role, FrameRole::other);
  // ICMP echo frames are not part of a UDP experiment.
  EXPECT_EQ(classify_frame(decode(request4(1)), udp_keys()).role, FrameRole::other);
}

TEST(PcapClassify, Ipv6Echo) {
  MatchKeys k = icmp_keys();
  k.target = *scenario::IpAddr::parse("2001:2::2");
  Bytes req =
      ethernet(0x86dd, ipv6(58, kProbeV6, kTargetV6, icmp_echo(128, kIdent, 2, latlab_payload(kCookie, 2))));
  Bytes rep =
      ethernet(0x86dd, ipv6(58, kTargetV6, kProbeV6, icmp_echo(129, kIdent, 2, latlab_payload(kCookie, 2))));
  EXPECT_EQ(classify_frame(decode(req), k).role, FrameRole::request);
  EXPECT_EQ(classify_frame(decode(rep), k).role, FrameRole::reply);
  // The IPv4 target does not match IPv6 frames.
  EXPECT_EQ(classify_frame(decode(req), icmp_keys()).role, FrameRole::other);
}

TEST(PcapCookieVote, MajorityWins) {
  MatchKeys k = icmp_keys(false);
  CookieVote vote;
  EXPECT_FALSE(vote.winner().has_value());
  for (int i = 0; i < 5; ++i) vote.add(classify_frame(decode(request4(i)), k));
  for (int i = 0; i < 2; ++i) vote.add(classify_frame(decode(reply4(i, kIdent, 42)), k));
  vote.add(classify_frame(decode(arp_request()), k));  // no vote
  EXPECT_EQ(vote.votes(), 7u);
  ASSERT_TRUE(vote.winner().has_value());
  EXPECT_EQ(*vote.winner(), kCookie);
}

TEST(PcapClockMap, ConstantOffset) {
  ClockMap c;
  c.offset_start_ns = 1'000'000;
  EXPECT_EQ(c.to_monotonic(5'000'000), 4'000'000);
}

TEST(PcapClockMap, InterpolatesBetweenStartAndEndAndClampsOutside) {
  ClockMap c;
  c.offset_start_ns = 1'000'000'000;
  c.offset_end_ns = 1'000'001'000;  // realtime gained 1 us over the experiment
  c.start_mono_ns = 10'000'000'000;
  c.end_mono_ns = 20'000'000'000;
  // Half-way: offset + 500 ns.
  EXPECT_EQ(c.to_monotonic(15'000'000'000 + 1'000'000'000), 15'000'000'000 - 500);
  EXPECT_EQ(c.to_monotonic(10'000'000'000 + 1'000'000'000), 10'000'000'000);
  EXPECT_EQ(c.to_monotonic(20'000'000'000 + 1'000'001'000), 20'000'000'000);
  // Before the start and after the end: the nearest measured offset.
  EXPECT_EQ(c.to_monotonic(9'000'000'000 + 1'000'000'000), 9'000'000'000);
  EXPECT_EQ(c.to_monotonic(30'000'000'000 + 1'000'001'000), 30'000'000'000);
}

struct Wire {
  std::optional<int64_t> send, recv;
};

std::map<int64_t, Wire> wire_times(const CaptureMatcher& m) {
  std::map<int64_t, Wire> out;
  m.for_each_wire_time([&](int64_t seq, std::optional<int64_t> s, std::optional<int64_t> r) {
    out[seq] = {s, r};
  });
  return out;
}

TEST(PcapMatcher, CountsAndRanksTwoInterfaces) {
  ClockMap clock;
  clock.offset_start_ns = 1000;
  CaptureMatcher m(icmp_keys(), clock, 2, 10);
  // Interface 0 (the probe's egress): requests 0..3 but not their replies for
  // seq 3; a duplicate of request 1; one foreign echo; one ARP.
  m.add_frame(0, 11'000, decode(request4(0)));
  m.add_frame(0, 12'000, decode(reply4(0)));
  m.add_frame(0, 21'000, decode(request4(1)));
  m.add_frame(0, 21'500, decode(request4(1)));
  m.add_frame(0, 22'000, decode(reply4(1)));
  m.add_frame(0, 31'000, decode(request4(2)));
  m.add_frame(0, 32'000, decode(reply4(2)));
  m.add_frame(0, 41'000, decode(request4(3)));
  m.add_frame(0, 41'100, decode(request4(3, kIdent + 1)));
  m.add_frame(0, 41'200, decode(arp_request()));
  // Interface 1 (the peer's): sees every frame slightly later / earlier, and
  // the reply to seq 3 and seq 4 (large seq: beyond the dense range).
  m.add_frame(1, 11'500, decode(request4(0)));
  m.add_frame(1, 11'600, decode(reply4(0)));
  m.add_frame(1, 41'500, decode(request4(3)));
  m.add_frame(1, 41'600, decode(reply4(3)));
  m.add_frame(1, 51'000, decode(request4(1'000'000)));
  m.finish();

  const InterfaceCounts& a = m.counts(0);
  EXPECT_EQ(a.frames, 10u);
  EXPECT_EQ(a.requests_seen, 4u);
  EXPECT_EQ(a.replies_seen, 3u);
  EXPECT_EQ(a.duplicate_requests, 1u);
  EXPECT_EQ(a.duplicate_replies, 0u);
  EXPECT_EQ(a.foreign_frames, 1u);
  EXPECT_EQ(a.other_frames, 1u);
  EXPECT_EQ(a.wire_send_from, 4u);
  EXPECT_EQ(a.wire_recv_from, 3u);
  EXPECT_EQ(a.first_frame_mono_ns, 10'000);
  EXPECT_EQ(a.last_frame_mono_ns, 40'200);
  const InterfaceCounts& b = m.counts(1);
  EXPECT_EQ(b.requests_seen, 3u);
  EXPECT_EQ(b.replies_seen, 2u);
  EXPECT_EQ(b.wire_send_from, 1u);  // seq 1'000'000 only
  EXPECT_EQ(b.wire_recv_from, 1u);  // reply 3 only

  auto w = wire_times(m);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0].send, 10'000);  // interface 0's time, mapped (-1000)
  EXPECT_EQ(w[0].recv, 11'000);
  EXPECT_EQ(w[1].send, 20'000);  // the first of the duplicates
  EXPECT_EQ(w[3].send, 40'000);
  EXPECT_EQ(w[3].recv, 40'600);  // only interface 1 saw it
  EXPECT_EQ(w[1'000'000].send, 50'000);
  EXPECT_FALSE(w[1'000'000].recv.has_value());
}

TEST(PcapMatcher, RankWinsRegardlessOfFeedingOrder) {
  CaptureMatcher m(icmp_keys(), ClockMap{}, 2, 0);
  m.add_frame(1, 500, decode(request4(0)));
  m.add_frame(0, 900, decode(request4(0)));
  m.finish();
  auto w = wire_times(m);
  EXPECT_EQ(w[0].send, 900);
  EXPECT_EQ(m.counts(0).wire_send_from, 1u);
  EXPECT_EQ(m.counts(1).wire_send_from, 0u);
}

TEST(PcapMatcher, QdiscBypassBlindSpotSeesOnlyReplies) {
  // Seed 001: the raw pinger's outgoing frames bypass the qdisc and never
  // reach tcpdump on the sender; the replies do.
  MatchKeys k = icmp_keys();
  k.probe = "raw";
  CaptureMatcher m(k, ClockMap{}, 1, 100);
  for (int i = 0; i < 100; ++i) m.add_frame(0, 1000 * i, decode(reply4(static_cast<uint64_t>(i))));
  m.add_frame(0, 5, decode(arp_request()));
  m.finish();
  EXPECT_EQ(m.counts(0).requests_seen, 0u);
  EXPECT_EQ(m.counts(0).replies_seen, 100u);
  EXPECT_EQ(m.counts(0).other_frames, 1u);
  auto w = wire_times(m);
  EXPECT_EQ(w.size(), 100u);
  EXPECT_FALSE(w[7].send.has_value());
  EXPECT_EQ(w[7].recv, 7000);
}

}  // namespace
}  // namespace latlab::run
