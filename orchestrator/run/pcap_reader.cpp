#include "run/pcap_reader.h"

#include <pcap/pcap.h>

#include <cstring>

namespace latlab::run {

namespace {

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

void decode_icmp(DecodedFrame& f, std::span<const uint8_t> l4, uint8_t request_type, uint8_t reply_type) {
  f.kind = FrameKind::other_ip;
  if (l4.size() < 8 || l4[1] != 0) return;
  if (l4[0] == request_type)
    f.kind = FrameKind::icmp_echo_request;
  else if (l4[0] == reply_type)
    f.kind = FrameKind::icmp_echo_reply;
  else
    return;
  f.icmp_ident = be16(l4.data() + 4);
  f.icmp_seq = be16(l4.data() + 6);
  f.payload = l4.subspan(8);
}

void decode_udp(DecodedFrame& f, std::span<const uint8_t> l4) {
  f.kind = FrameKind::other_ip;
  if (l4.size() < 8) return;
  f.kind = FrameKind::udp;
  f.src_port = be16(l4.data());
  f.dst_port = be16(l4.data() + 2);
  size_t udp_len = be16(l4.data() + 4);
  size_t end = udp_len >= 8 ? std::min(udp_len, l4.size()) : l4.size();
  f.payload = l4.subspan(8, end - 8);
}

void decode_ipv4(DecodedFrame& f, std::span<const uint8_t> ip) {
  f.kind = FrameKind::other;
  if (ip.size() < 20 || (ip[0] >> 4) != 4) return;
  size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if (ihl < 20 || ip.size() < ihl) return;
  f.kind = FrameKind::other_ip;
  f.family = 4;
  std::memcpy(f.src.data(), ip.data() + 12, 4);
  std::memcpy(f.dst.data(), ip.data() + 16, 4);
  size_t total = be16(ip.data() + 2);
  size_t end = (total >= ihl && total <= ip.size()) ? total : ip.size();
  if ((be16(ip.data() + 6) & 0x1fff) != 0) return;  // not the first fragment
  auto l4 = ip.subspan(ihl, end - ihl);
  if (ip[9] == 1)
    decode_icmp(f, l4, 8, 0);
  else if (ip[9] == 17)
    decode_udp(f, l4);
}

void decode_ipv6(DecodedFrame& f, std::span<const uint8_t> ip) {
  f.kind = FrameKind::other;
  if (ip.size() < 40 || (ip[0] >> 4) != 6) return;
  f.kind = FrameKind::other_ip;
  f.family = 6;
  std::memcpy(f.src.data(), ip.data() + 8, 16);
  std::memcpy(f.dst.data(), ip.data() + 24, 16);
  size_t end = std::min(ip.size(), size_t{40} + be16(ip.data() + 4));
  uint8_t next = ip[6];
  size_t off = 40;
  // Hop-by-hop, routing, fragment and destination options headers.
  for (int hops = 0; hops < 8; ++hops) {
    if (next == 0 || next == 43 || next == 60) {
      if (off + 8 > end) return;
      uint8_t nh = ip[off];
      off += (static_cast<size_t>(ip[off + 1]) + 1) * 8;
      next = nh;
    } else if (next == 44) {
      if (off + 8 > end) return;
      if ((be16(ip.data() + off + 2) & 0xfff8) != 0) return;  // not the first fragment
      next = ip[off];
      off += 8;
    } else {
      break;
    }
  }
  if (off > end) return;
  auto l4 = ip.subspan(off, end - off);
  if (next == 58)
    decode_icmp(f, l4, 128, 129);
  else if (next == 17)
    decode_udp(f, l4);
}

void decode_ethertype(DecodedFrame& f, uint16_t type, std::span<const uint8_t> rest) {
  if (type == kEtherIpv4)
    decode_ipv4(f, rest);
  else if (type == kEtherIpv6)
    decode_ipv6(f, rest);
  else if (type == kEtherArp)
    f.kind = FrameKind::arp;
}

}  // namespace

const char* frame_kind_name(FrameKind k) {
  switch (k) {
    case FrameKind::icmp_echo_request:
      return "icmp_echo_request";
    case FrameKind::icmp_echo_reply:
      return "icmp_echo_reply";
    case FrameKind::udp:
      return "udp";
    case FrameKind::arp:
      return "arp";
    case FrameKind::other_ip:
      return "other_ip";
    case FrameKind::other:
      return "other";
  }
  return "other";
}

DecodedFrame decode_frame(int linktype, std::span<const uint8_t> data) {
  DecodedFrame f;
  switch (linktype) {
    case DLT_EN10MB: {
      if (data.size() < 14) return f;
      size_t off = 12;
      uint16_t type = be16(data.data() + off);
      while ((type == kEtherVlan || type == kEtherQinQ) && data.size() >= off + 6) {
        off += 4;
        type = be16(data.data() + off);
      }
      decode_ethertype(f, type, data.subspan(off + 2));
      return f;
    }
    case DLT_LINUX_SLL:  // 16 bytes: type, arphrd, addr len, addr[8], protocol
      if (data.size() < 16) return f;
      decode_ethertype(f, be16(data.data() + 14), data.subspan(16));
      return f;
    case DLT_LINUX_SLL2:  // 20 bytes: protocol, reserved, ifindex, arphrd, type, addr len, addr[8]
      if (data.size() < 20) return f;
      decode_ethertype(f, be16(data.data()), data.subspan(20));
      return f;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
      if (data.empty()) return f;
      if ((data[0] >> 4) == 4)
        decode_ipv4(f, data);
      else if ((data[0] >> 4) == 6)
        decode_ipv6(f, data);
      return f;
    default:
      return f;
  }
}

Result<PcapReader> PcapReader::open(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!p) return Error("read pcap " + path + ": " + errbuf);
  return PcapReader(p, path, pcap_datalink(p));
}

PcapReader::PcapReader(PcapReader&& o) noexcept
    : p_(o.p_), path_(std::move(o.path_)), linktype_(o.linktype_), packets_(o.packets_) {
  o.p_ = nullptr;
}

PcapReader& PcapReader::operator=(PcapReader&& o) noexcept {
  if (this != &o) {
    close();
    p_ = o.p_;
    path_ = std::move(o.path_);
    linktype_ = o.linktype_;
    packets_ = o.packets_;
    o.p_ = nullptr;
  }
  return *this;
}

PcapReader::~PcapReader() { close(); }

void PcapReader::close() {
  if (p_) pcap_close(p_);
  p_ = nullptr;
}

std::string PcapReader::linktype_name() const {
  const char* n = pcap_datalink_val_to_name(linktype_);
  return n ? n : "DLT " + std::to_string(linktype_);
}

Result<std::optional<PcapPacket>> PcapReader::next() {
  pcap_pkthdr* h = nullptr;
  const u_char* bytes = nullptr;
  int rc = pcap_next_ex(p_, &h, &bytes);
  if (rc == PCAP_ERROR_BREAK) return std::optional<PcapPacket>();
  if (rc != 1)
    return Error("read pcap " + path_ + ": after " + std::to_string(packets_) +
                 " packets: " + pcap_geterr(p_));
  ++packets_;
  PcapPacket pkt;
  // With nanosecond precision, tv_usec holds nanoseconds.
  pkt.ts_realtime_ns = int64_t{h->ts.tv_sec} * 1'000'000'000 + int64_t{h->ts.tv_usec};
  pkt.wire_len = h->len;
  pkt.data = std::span<const uint8_t>(bytes, h->caplen);
  return std::optional<PcapPacket>(pkt);
}

}  // namespace latlab::run
