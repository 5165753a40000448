// Build and parse round trips, and rejection of malformed input, for every
// header the agent builds or reads.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/address.h"
#include "core/arp.h"
#include "core/byte_order.h"
#include "core/checksum.h"
#include "core/ethernet.h"
#include "core/icmp.h"
#include "core/ipv4.h"
#include "core/ipv6.h"
#include "core/probe_payload.h"
#include "core/udp.h"

namespace latlab::agent {
namespace {

const Ipv4Address kA4 = *parse_ipv4("198.18.0.1");
const Ipv4Address kB4 = *parse_ipv4("198.18.0.2");
const Ipv6Address kA6 = *parse_ipv6("2001:2::1");
const Ipv6Address kB6 = *parse_ipv6("2001:2::2");
const MacAddress kMacA = *parse_mac("02:00:00:00:00:0a");
const MacAddress kMacB = *parse_mac("02:00:00:00:00:0b");

TEST(Address, ParsesAndFormatsLiterals) {
  EXPECT_EQ(format_ipv4(kA4), "198.18.0.1");
  EXPECT_EQ(format_ipv6(kA6), "2001:2::1");
  EXPECT_EQ(format_mac(kMacA), "02:00:00:00:00:0a");
  EXPECT_FALSE(parse_ipv4("198.18.0.256"));
  EXPECT_FALSE(parse_ipv4("example.org"));  // never resolved
  EXPECT_FALSE(parse_ip("2001:2::1", 4));
  EXPECT_EQ(parse_ip("2001:2::1")->family, 6);
  EXPECT_EQ(parse_ip("198.18.0.1")->family, 4);
  EXPECT_FALSE(parse_mac("02:00:00:00:00"));
  EXPECT_FALSE(parse_mac("02-00-00-00-00-0a"));
  EXPECT_FALSE(parse_mac("02:00:00:00:00:0g"));
}

TEST(Ethernet, RoundTrip) {
  std::vector<std::uint8_t> frame(60, 0);
  EthernetHeader h{kMacB, kMacA, kEtherTypeIpv4};
  ASSERT_EQ(build_ethernet(frame, h), kEthernetHeaderSize);
  auto parsed = parse_ethernet(frame);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->header.dst, kMacB);
  EXPECT_EQ(parsed->header.src, kMacA);
  EXPECT_EQ(parsed->header.ether_type, kEtherTypeIpv4);
  EXPECT_EQ(parsed->payload.size(), 60u - 14u);
}

TEST(Ethernet, SkipsOneVlanTagAndRejectsShortFrames) {
  std::vector<std::uint8_t> frame(64, 0);
  build_ethernet(frame, {kMacB, kMacA, kEtherTypeVlan});
  store_be16(frame.data() + 14, 0x0064);
  store_be16(frame.data() + 16, kEtherTypeArp);
  auto parsed = parse_ethernet(frame);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->header.ether_type, kEtherTypeArp);
  EXPECT_EQ(parsed->payload.size(), 64u - 18u);
  EXPECT_FALSE(parse_ethernet(std::span(frame).first(13)));
  EXPECT_FALSE(parse_ethernet(std::span(frame).first(17)));
  std::vector<std::uint8_t> tiny(4, 0);
  EXPECT_EQ(build_ethernet(tiny, {}), 0u);
}

TEST(Arp, RoundTripAndRejection) {
  std::vector<std::uint8_t> buf(kArpSize);
  ArpPacket a{kArpRequest, kMacA, kA4, MacAddress{}, kB4};
  ASSERT_EQ(build_arp(buf, a), kArpSize);
  auto p = parse_arp(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->operation, kArpRequest);
  EXPECT_EQ(p->sender_mac, kMacA);
  EXPECT_EQ(p->sender_ip, kA4);
  EXPECT_EQ(p->target_ip, kB4);
  EXPECT_FALSE(parse_arp(std::span(buf).first(27)));
  auto bad = buf;
  bad[1] = 6;  // hardware type 6 (IEEE 802)
  EXPECT_FALSE(parse_arp(bad));
  bad = buf;
  bad[7] = 3;  // RARP request
  EXPECT_FALSE(parse_arp(bad));
  bad = buf;
  bad[5] = 16;  // protocol length of IPv6
  EXPECT_FALSE(parse_arp(bad));
}

std::vector<std::uint8_t> ipv4_packet(std::size_t payload_len) {
  std::vector<std::uint8_t> buf(kIpv4HeaderSize + payload_len, 0xab);
  Ipv4Header h;
  h.ttl = 63;
  h.id = 0x1234;
  h.protocol = kProtoIcmp;
  h.src = kA4;
  h.dst = kB4;
  EXPECT_EQ(build_ipv4(buf, h, payload_len), kIpv4HeaderSize);
  return buf;
}

TEST(Ipv4, RoundTrip) {
  auto buf = ipv4_packet(30);
  EXPECT_EQ(internet_checksum(std::span(buf).first(20)), 0);
  buf.resize(buf.size() + 10, 0);  // Ethernet padding after the datagram
  auto p = parse_ipv4_packet(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->header.ttl, 63);
  EXPECT_EQ(p->header.id, 0x1234);
  EXPECT_EQ(p->header.protocol, kProtoIcmp);
  EXPECT_EQ(p->header.src, kA4);
  EXPECT_EQ(p->header.dst, kB4);
  EXPECT_TRUE(p->header.dont_fragment);
  EXPECT_EQ(p->payload.size(), 30u);  // padding is not payload
}

TEST(Ipv4, RejectsMalformed) {
  const auto good = ipv4_packet(8);
  EXPECT_FALSE(parse_ipv4_packet(std::span(good).first(19)));
  auto bad = good;
  bad[0] = 0x65;  // version 6
  EXPECT_FALSE(parse_ipv4_packet(bad));
  bad = good;
  bad[0] = 0x44;  // IHL 4
  EXPECT_FALSE(parse_ipv4_packet(bad));
  bad = good;
  bad[3] = 200;  // total length beyond the buffer (checksum fixed below)
  bad[10] = bad[11] = 0;
  store_be16(bad.data() + 10, internet_checksum(std::span(bad).first(20)));
  EXPECT_FALSE(parse_ipv4_packet(bad));
  bad = good;
  bad[8] = 1;  // TTL changed, checksum stale
  EXPECT_FALSE(parse_ipv4_packet(bad));
  bad = good;
  bad[6] = 0x20;  // more fragments
  bad[10] = bad[11] = 0;
  store_be16(bad.data() + 10, internet_checksum(std::span(bad).first(20)));
  EXPECT_FALSE(parse_ipv4_packet(bad));
}

TEST(Ipv6, RoundTripAndRejection) {
  std::vector<std::uint8_t> buf(kIpv6HeaderSize + 16, 0);
  Ipv6Header h;
  h.traffic_class = 0x2e;
  h.flow_label = 0x12345;
  h.next_header = kProtoIcmpv6;
  h.hop_limit = 255;
  h.src = kA6;
  h.dst = kB6;
  ASSERT_EQ(build_ipv6(buf, h, 16), kIpv6HeaderSize);
  auto p = parse_ipv6_packet(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->header.traffic_class, 0x2e);
  EXPECT_EQ(p->header.flow_label, 0x12345u);
  EXPECT_EQ(p->header.next_header, kProtoIcmpv6);
  EXPECT_EQ(p->header.hop_limit, 255);
  EXPECT_EQ(p->header.src, kA6);
  EXPECT_EQ(p->header.dst, kB6);
  EXPECT_EQ(p->payload.size(), 16u);
  EXPECT_FALSE(parse_ipv6_packet(std::span(buf).first(39)));
  EXPECT_FALSE(parse_ipv6_packet(std::span(buf).first(50)));  // payload length beyond data
  auto bad = buf;
  bad[0] = 0x45;
  EXPECT_FALSE(parse_ipv6_packet(bad));
  bad = buf;
  bad[4] = bad[5] = 0;  // jumbogram marker
  EXPECT_FALSE(parse_ipv6_packet(bad));
}

TEST(Icmp, V4EchoRoundTripWithProbePayload) {
  std::vector<std::uint8_t> payload(56);
  ASSERT_TRUE(write_probe_payload(payload, 0x1122334455667788ull, 42));
  std::vector<std::uint8_t> buf(8 + payload.size());
  EchoMessage m{kIcmpEchoRequest, 0, 0xbeef, 42, payload};
  ASSERT_EQ(build_icmp4_echo(buf, m), 64u);
  EXPECT_EQ(internet_checksum(buf), 0);
  auto p = parse_icmp4_echo(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, kIcmpEchoRequest);
  EXPECT_EQ(p->identifier, 0xbeef);
  EXPECT_EQ(p->sequence, 42);
  auto pp = parse_probe_payload(p->payload);
  ASSERT_TRUE(pp);
  EXPECT_EQ(pp->cookie, 0x1122334455667788ull);
  EXPECT_EQ(pp->seq, 42u);
  EXPECT_FALSE(pp->peer_proc_valid);
}

TEST(Icmp, V4RejectsBadChecksumOtherTypesAndShortData) {
  std::vector<std::uint8_t> payload(32, 7);
  std::vector<std::uint8_t> buf(40);
  ASSERT_EQ(build_icmp4_echo(buf, {kIcmpEchoReply, 0, 1, 2, payload}), 40u);
  ASSERT_TRUE(parse_icmp4_echo(buf));
  auto bad = buf;
  bad[20] ^= 1;
  EXPECT_FALSE(parse_icmp4_echo(bad));
  bad = buf;
  bad[0] = 3;  // destination unreachable
  bad[2] = bad[3] = 0;
  store_be16(bad.data() + 2, internet_checksum(bad));
  EXPECT_FALSE(parse_icmp4_echo(bad));
  bad = buf;
  bad[1] = 1;  // non-zero code
  bad[2] = bad[3] = 0;
  store_be16(bad.data() + 2, internet_checksum(bad));
  EXPECT_FALSE(parse_icmp4_echo(bad));
  EXPECT_FALSE(parse_icmp4_echo(std::span(buf).first(7)));
}

TEST(Icmp, V6EchoChecksumCoversPseudoHeader) {
  std::vector<std::uint8_t> payload(40, 1);
  std::vector<std::uint8_t> buf(48);
  ASSERT_EQ(build_icmp6_echo(buf, {kIcmpv6EchoRequest, 0, 9, 10, payload}, kA6, kB6), 48u);
  auto p = parse_icmp6_echo(buf, kA6, kB6);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, kIcmpv6EchoRequest);
  EXPECT_EQ(p->identifier, 9);
  EXPECT_EQ(p->sequence, 10);
  // The same bytes from a different source fail the pseudo-header checksum.
  EXPECT_FALSE(parse_icmp6_echo(buf, *parse_ipv6("2001:2::3"), kB6));
  buf[0] = kIcmpEchoRequest;  // an ICMPv4 type is not an ICMPv6 echo
  EXPECT_FALSE(parse_icmp6_echo_unchecked(buf));
}

TEST(Udp, V4AndV6RoundTrip) {
  std::vector<std::uint8_t> payload(33, 0x5a);
  std::vector<std::uint8_t> buf(8 + payload.size());
  UdpDatagram d{40000, 9000, payload};
  ASSERT_EQ(build_udp4(buf, d, kA4, kB4), 41u);
  auto p = parse_udp4(buf, kA4, kB4);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->src_port, 40000);
  EXPECT_EQ(p->dst_port, 9000);
  EXPECT_EQ(p->payload.size(), 33u);
  EXPECT_FALSE(parse_udp4(buf, kA4, *parse_ipv4("198.18.0.3")));  // pseudo-header mismatch

  std::vector<std::uint8_t> buf6(8 + payload.size());
  ASSERT_EQ(build_udp6(buf6, d, kA6, kB6), 41u);
  ASSERT_TRUE(parse_udp6(buf6, kA6, kB6));
  buf6[6] = buf6[7] = 0;  // "no checksum" is illegal over IPv6
  EXPECT_FALSE(parse_udp6(buf6, kA6, kB6));
}

TEST(Udp, RejectsMalformed) {
  std::vector<std::uint8_t> payload(32, 1);
  std::vector<std::uint8_t> buf(40);
  build_udp4(buf, {1, 2, payload}, kA4, kB4);
  EXPECT_FALSE(parse_udp4(std::span(buf).first(7), kA4, kB4));
  auto bad = buf;
  store_be16(bad.data() + 4, 41);  // length beyond the data
  EXPECT_FALSE(parse_udp4(bad, kA4, kB4));
  store_be16(bad.data() + 4, 7);  // length below the header
  EXPECT_FALSE(parse_udp4(bad, kA4, kB4));
  bad = buf;
  bad[20] ^= 0xff;  // corrupted payload
  EXPECT_FALSE(parse_udp4(bad, kA4, kB4));
  bad[6] = bad[7] = 0;  // no checksum over IPv4: accepted as is
  EXPECT_TRUE(parse_udp4(bad, kA4, kB4));
}

TEST(ProbePayload, PeerProcAndRejection) {
  std::vector<std::uint8_t> payload(32);
  EXPECT_FALSE(write_probe_payload(std::span(payload).first(31), 1, 2));
  ASSERT_TRUE(write_probe_payload(payload, 1, 2));
  ASSERT_TRUE(set_peer_proc(payload, 12345));
  auto p = parse_probe_payload(payload);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->peer_proc_valid);
  EXPECT_EQ(p->peer_proc_ns, 12345u);
  EXPECT_EQ(load_be64(payload.data() + kPeerProcOffset), 12345u);
  payload[0] = 'X';
  EXPECT_FALSE(parse_probe_payload(payload));
  EXPECT_FALSE(set_peer_proc(payload, 1));
}

}  // namespace
}  // namespace latlab::agent
