#include "core/reply_matcher.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/icmp.h"
#include "core/probe_payload.h"

namespace latlab::agent {
namespace {

constexpr std::uint16_t kIdent = 0x4242;
constexpr std::uint64_t kCookie = 0xfeedfacecafebeefull;

struct Reply {
  std::vector<std::uint8_t> payload = std::vector<std::uint8_t>(56);
  EchoMessage echo;
  Reply(std::uint16_t ident, std::uint64_t cookie, std::uint64_t seq, std::uint8_t type = kIcmpEchoReply) {
    write_probe_payload(payload, cookie, seq);
    echo = EchoMessage{type, 0, ident, static_cast<std::uint16_t>(seq), payload};
  }
};

TEST(ReplyMatcher, MatchesOwnReply) {
  ReplyMatcher m(kIdent, kCookie);
  Reply r(kIdent, kCookie, 7);
  auto match = m.match_echo(r.echo, kIcmpEchoReply, 10);
  ASSERT_TRUE(match);
  EXPECT_EQ(match->seq, 7u);
  EXPECT_FALSE(match->peer_proc_ns);
}

TEST(ReplyMatcher, CarriesPeerProcessingTime) {
  ReplyMatcher m(kIdent, kCookie);
  Reply r(kIdent, kCookie, 3);
  set_peer_proc(r.payload, 777);
  auto match = m.match_echo(r.echo, kIcmpEchoReply, 10);
  ASSERT_TRUE(match);
  ASSERT_TRUE(match->peer_proc_ns);
  EXPECT_EQ(*match->peer_proc_ns, 777u);
}

TEST(ReplyMatcher, RejectsForeignReplies) {
  ReplyMatcher m(kIdent, kCookie);
  // Another pinger: other identifier.
  EXPECT_FALSE(m.match_echo(Reply(kIdent + 1, kCookie, 1).echo, kIcmpEchoReply, 10));
  // Another latlab run that happens to use our identifier: other cookie.
  EXPECT_FALSE(m.match_echo(Reply(kIdent, kCookie + 1, 1).echo, kIcmpEchoReply, 10));
  // Our own request seen on the way out (loopback): not a reply.
  EXPECT_FALSE(m.match_echo(Reply(kIdent, kCookie, 1, kIcmpEchoRequest).echo, kIcmpEchoReply, 10));
  // A sequence number we never sent.
  EXPECT_FALSE(m.match_echo(Reply(kIdent, kCookie, 10).echo, kIcmpEchoReply, 10));
  // ICMP sequence field disagreeing with the payload's.
  Reply r(kIdent, kCookie, 5);
  r.echo.sequence = 6;
  EXPECT_FALSE(m.match_echo(r.echo, kIcmpEchoReply, 10));
  // iputils ping payload (timestamp + pattern), no latlab magic.
  std::vector<std::uint8_t> ping_payload(56, 0x10);
  EXPECT_FALSE(m.match_echo(EchoMessage{kIcmpEchoReply, 0, kIdent, 1, ping_payload}, kIcmpEchoReply, 10));
  // Truncated payload.
  Reply t(kIdent, kCookie, 1);
  t.echo.payload = t.echo.payload.first(31);
  EXPECT_FALSE(m.match_echo(t.echo, kIcmpEchoReply, 10));
}

TEST(ReplyMatcher, Icmpv6ReplyType) {
  ReplyMatcher m(kIdent, kCookie);
  Reply r(kIdent, kCookie, 2, kIcmpv6EchoReply);
  EXPECT_TRUE(m.match_echo(r.echo, kIcmpv6EchoReply, 3));
  EXPECT_FALSE(m.match_echo(r.echo, kIcmpEchoReply, 3));
}

TEST(ReplyMatcher, SequenceWrapsInIcmpField) {
  ReplyMatcher m(kIdent, kCookie);
  Reply r(kIdent, kCookie, 65536 + 5);
  EXPECT_EQ(r.echo.sequence, 5);
  auto match = m.match_echo(r.echo, kIcmpEchoReply, 70000);
  ASSERT_TRUE(match);
  EXPECT_EQ(match->seq, 65541u);
}

TEST(ReplyMatcher, UdpPayloadOnly) {
  ReplyMatcher m(0, kCookie);
  std::vector<std::uint8_t> payload(64);
  write_probe_payload(payload, kCookie, 4);
  EXPECT_TRUE(m.match_payload(payload, 5));
  EXPECT_FALSE(m.match_payload(payload, 4));
  write_probe_payload(payload, kCookie ^ 1, 4);
  EXPECT_FALSE(m.match_payload(payload, 5));
}

}  // namespace
}  // namespace latlab::agent
