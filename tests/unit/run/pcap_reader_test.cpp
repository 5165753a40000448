// Frame decoding and offline pcap reading: link types tcpdump produces on
// veth/bridge (Ethernet), lo (Ethernet with zero MACs), "any" (cooked SLL2)
// and IP tunnels (raw IP); IPv4, IPv6 with extension headers, ICMP, ICMPv6, UDP.
#include "run/pcap_reader.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <filesystem>
#include <fstream>

#include "pcap_test_frames.h"

namespace latlab::run {
namespace {

using namespace latlab::test;

std::span<const uint8_t> span_of(const Bytes& b) { return {b.data(), b.size()}; }

TEST(PcapDecode, EthernetIpv4EchoRequestWithLatlabPayload) {
  Bytes payload = latlab_payload(0xfeed, 7);
  Bytes frame = ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, 0x4242, 7, payload)));
  DecodedFrame f = decode_frame(DLT_EN10MB, span_of(frame));
  EXPECT_EQ(f.kind, FrameKind::icmp_echo_request);
  EXPECT_EQ(f.family, 4);
  EXPECT_EQ(f.src[0], 198);
  EXPECT_EQ(f.src[3], 1);
  EXPECT_EQ(f.dst[3], 2);
  EXPECT_EQ(f.icmp_ident, 0x4242);
  EXPECT_EQ(f.icmp_seq, 7);
  ASSERT_EQ(f.payload.size(), payload.size());
  EXPECT_EQ(f.payload[0], 'L');
}

TEST(PcapDecode, EthernetPaddingIsNotPayload) {
  // A 4-byte UDP payload makes a frame shorter than 60 bytes: the padding
  // after the IP packet must not be read as payload.
  Bytes frame = ethernet(0x0800, ipv4(17, kProbeV4, kTargetV4, udp(40000, 7, {1, 2, 3, 4})));
  ASSERT_EQ(frame.size(), 60u);
  DecodedFrame f = decode_frame(DLT_EN10MB, span_of(frame));
  EXPECT_EQ(f.kind, FrameKind::udp);
  EXPECT_EQ(f.src_port, 40000);
  EXPECT_EQ(f.dst_port, 7);
  EXPECT_EQ(f.payload.size(), 4u);
}

TEST(PcapDecode, VlanTaggedEthernet) {
  Bytes frame =
      ethernet(0x0800, ipv4(1, kTargetV4, kProbeV4, icmp_echo(0, 9, 3, latlab_payload(1, 3))), true);
  DecodedFrame f = decode_frame(DLT_EN10MB, span_of(frame));
  EXPECT_EQ(f.kind, FrameKind::icmp_echo_reply);
  EXPECT_EQ(f.icmp_seq, 3);
}

TEST(PcapDecode, CookedSllAndSll2Ipv6EchoReply) {
  Bytes ip = ipv6(58, kTargetV6, kProbeV6, icmp_echo(129, 5, 11, latlab_payload(1, 11)));
  for (auto [dlt, frame] :
       {std::pair{DLT_LINUX_SLL, sll(0x86dd, ip)}, std::pair{DLT_LINUX_SLL2, sll2(0x86dd, ip)}}) {
    DecodedFrame f = decode_frame(dlt, span_of(frame));
    EXPECT_EQ(f.kind, FrameKind::icmp_echo_reply) << dlt;
    EXPECT_EQ(f.family, 6);
    EXPECT_EQ(f.src[15], 2);
    EXPECT_EQ(f.icmp_ident, 5);
    EXPECT_EQ(f.icmp_seq, 11);
    EXPECT_EQ(f.payload.size(), 56u);
  }
}

TEST(PcapDecode, Ipv6HopByHopHeaderBeforeUdp) {
  Bytes hbh = {17, 0, 1, 4, 0, 0, 0, 0};  // next = UDP, len 0 (8 bytes), PadN
  Bytes frame = ethernet(0x86dd, ipv6(17, kProbeV6, kTargetV6, udp(5000, 7, latlab_payload(2, 1)), hbh, 0));
  DecodedFrame f = decode_frame(DLT_EN10MB, span_of(frame));
  EXPECT_EQ(f.kind, FrameKind::udp);
  EXPECT_EQ(f.dst_port, 7);
  EXPECT_EQ(f.payload.size(), 56u);
}

TEST(PcapDecode, Icmpv6NeighborSolicitationIsOtherIp) {
  Bytes ns = {135, 0, 0, 0, 0, 0, 0, 0};
  Bytes frame = ethernet(0x86dd, ipv6(58, kProbeV6, kTargetV6, ns));
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(frame)).kind, FrameKind::other_ip);
}

TEST(PcapDecode, RawIpLinkType) {
  Bytes ip = ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, 1, 2, latlab_payload(3, 2)));
  EXPECT_EQ(decode_frame(DLT_RAW, span_of(ip)).kind, FrameKind::icmp_echo_request);
}

TEST(PcapDecode, NonFirstFragmentAndUnreachableAreOtherIp) {
  Bytes frag =
      ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, 1, 2, latlab_payload(3, 2)), 0x00b9));
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(frag)).kind, FrameKind::other_ip);
  Bytes unreach = ethernet(0x0800, ipv4(1, kTargetV4, kProbeV4, {3, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(unreach)).kind, FrameKind::other_ip);
}

TEST(PcapDecode, ArpAndGarbage) {
  Bytes arp = arp_request();
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(arp)).kind, FrameKind::arp);
  Bytes short_frame = {1, 2, 3};
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(short_frame)).kind, FrameKind::other);
  Bytes truncated_ip = ethernet(0x0800, {0x45, 0, 0, 20});  // padded to 60, but IHL says 20 and total 20
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(truncated_ip)).kind, FrameKind::other_ip);
  Bytes not_ip = ethernet(0x0800, {0x60, 0, 0});
  not_ip.resize(17);
  EXPECT_EQ(decode_frame(DLT_EN10MB, span_of(not_ip)).kind, FrameKind::other);
  EXPECT_EQ(decode_frame(DLT_IEEE802_11, span_of(arp)).kind, FrameKind::other);
}

TEST(PcapDecode, SnaplenTruncatedEchoKeepsWhatWasCaptured) {
  Bytes frame =
      ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, 1, 2, latlab_payload(3, 2, 1400))));
  Bytes captured(frame.begin(), frame.begin() + 256);
  DecodedFrame f = decode_frame(DLT_EN10MB, span_of(captured));
  EXPECT_EQ(f.kind, FrameKind::icmp_echo_request);
  EXPECT_EQ(f.payload.size(), 256u - 14 - 20 - 8);
}

TEST(PcapReaderTest, ReadsNanosecondTimestampsInOrder) {
  TempDir dir;
  const std::string path = dir.file("a.pcap");
  {
    PcapWriter w(path, DLT_EN10MB);
    w.add(1'700'000'000'123'456'789,
          ethernet(0x0800, ipv4(1, kProbeV4, kTargetV4, icmp_echo(8, 1, 0, latlab_payload(1, 0)))));
    w.add(1'700'000'000'123'456'790, arp_request());
    w.add(1'700'000'001'000'000'001,
          ethernet(0x0800, ipv4(1, kTargetV4, kProbeV4, icmp_echo(0, 1, 0, latlab_payload(1, 0)))), 40);
  }
  auto r = PcapReader::open(path);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->linktype(), DLT_EN10MB);
  EXPECT_EQ(r->linktype_name(), "EN10MB");
  std::vector<int64_t> ts;
  std::vector<size_t> caplen;
  std::vector<uint32_t> len;
  while (true) {
    auto p = r->next();
    ASSERT_TRUE(p.ok()) << p.error().message();
    if (!*p) break;
    ts.push_back((*p)->ts_realtime_ns);
    caplen.push_back((*p)->data.size());
    len.push_back((*p)->wire_len);
  }
  EXPECT_EQ(ts, (std::vector<int64_t>{1'700'000'000'123'456'789, 1'700'000'000'123'456'790,
                                      1'700'000'001'000'000'001}));
  EXPECT_EQ(caplen[2], 40u);
  EXPECT_EQ(len[2], 98u);
  EXPECT_EQ(r->packets_read(), 3u);
}

TEST(PcapReaderTest, MicrosecondFileIsScaledToNanoseconds) {
  TempDir dir;
  const std::string path = dir.file("us.pcap");
  {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
    ASSERT_NE(d, nullptr);
    Bytes frame = arp_request();
    pcap_pkthdr h{};
    h.ts.tv_sec = 1'700'000'000;
    h.ts.tv_usec = 250'001;
    h.caplen = h.len = static_cast<uint32_t>(frame.size());
    pcap_dump(reinterpret_cast<u_char*>(d), &h, frame.data());
    pcap_dump_close(d);
    pcap_close(dead);
  }
  auto r = PcapReader::open(path);
  ASSERT_TRUE(r.ok());
  auto p = r->next();
  ASSERT_TRUE(p.ok() && *p);
  EXPECT_EQ((*p)->ts_realtime_ns, 1'700'000'000'250'001'000);
}

TEST(PcapReaderTest, TruncatedFileIsAnErrorNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("cut.pcap");
  {
    PcapWriter w(path, DLT_EN10MB);
    w.add(1'000'000'000, arp_request());
    w.add(2'000'000'000, arp_request());
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  auto r = PcapReader::open(path);
  ASSERT_TRUE(r.ok());
  auto first = r->next();
  ASSERT_TRUE(first.ok() && *first);
  auto second = r->next();
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message().find("read pcap " + path + ": after 1 packets: "), std::string::npos)
      << second.error().message();
}

TEST(PcapReaderTest, MissingAndEmptyFiles) {
  TempDir dir;
  auto missing = PcapReader::open(dir.file("nope.pcap"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("read pcap " + dir.file("nope.pcap") + ": "), std::string::npos);
  // What tcpdump leaves when it never started: the 0-byte file we created.
  std::ofstream(dir.file("empty.pcap")).close();
  auto empty = PcapReader::open(dir.file("empty.pcap"));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message().find("empty.pcap"), std::string::npos);
}

}  // namespace
}  // namespace latlab::run
