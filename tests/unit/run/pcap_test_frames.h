// Test helpers for the pcap tests: frames built byte by byte (as latlab's
// agent and the kernel put them on the wire), pcap files written with
// libpcap's own dumper at nanosecond precision, and a temporary directory.
#pragma once

#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace latlab::test {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
inline void put64(Bytes& b, uint64_t v) {
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

// The agent's payload: "LLAB", flags, reserved, cookie, seq, peer_proc, filler.
inline Bytes latlab_payload(uint64_t cookie, uint64_t seq, size_t size = 56) {
  Bytes b = {'L', 'L', 'A', 'B', 0, 0, 0, 0};
  put64(b, cookie);
  put64(b, seq);
  put64(b, 0);
  while (b.size() < size) b.push_back(static_cast<uint8_t>(b.size()));
  return b;
}

inline Bytes icmp_echo(uint8_t type, uint16_t ident, uint16_t seq, const Bytes& payload) {
  Bytes b = {type, 0, 0, 0};
  put16(b, ident);
  put16(b, seq);
  append(b, payload);
  return b;
}

inline Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + payload.size()));
  put16(b, 0);
  append(b, payload);
  return b;
}

using V4 = std::array<uint8_t, 4>;
using V6 = std::array<uint8_t, 16>;

inline Bytes ipv4(uint8_t proto, V4 src, V4 dst, const Bytes& l4, uint16_t frag = 0) {
  Bytes b = {0x45, 0};
  put16(b, static_cast<uint16_t>(20 + l4.size()));
  put16(b, 0x1234);
  put16(b, frag);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  append(b, l4);
  return b;
}

// ext: optional extension headers already encoded; first_next is then the
// type of the first of them and the last one must point at proto.
inline Bytes ipv6(uint8_t proto, V6 src, V6 dst, const Bytes& l4, const Bytes& ext = {},
                  uint8_t first_next = 0) {
  Bytes b = {0x60, 0, 0, 0};
  put16(b, static_cast<uint16_t>(ext.size() + l4.size()));
  b.push_back(ext.empty() ? proto : first_next);
  b.push_back(64);
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  append(b, ext);
  append(b, l4);
  return b;
}

inline Bytes ethernet(uint16_t ethertype, const Bytes& l3, bool vlan = false) {
  Bytes b = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  if (vlan) {
    put16(b, 0x8100);
    put16(b, 42);
  }
  put16(b, ethertype);
  append(b, l3);
  while (b.size() < 60) b.push_back(0);  // minimum frame: padding after the IP packet
  return b;
}

// Linux cooked v1 (DLT_LINUX_SLL): packet type, ARPHRD, addr len, addr[8], protocol.
inline Bytes sll(uint16_t protocol, const Bytes& l3, uint16_t packet_type = 4) {
  Bytes b;
  put16(b, packet_type);
  put16(b, 1);
  put16(b, 6);
  for (int i = 0; i < 8; ++i) b.push_back(i < 6 ? 0x02 : 0);
  put16(b, protocol);
  append(b, l3);
  return b;
}

// Linux cooked v2 (DLT_LINUX_SLL2): protocol, reserved, ifindex, ARPHRD, type, addr len, addr[8].
inline Bytes sll2(uint16_t protocol, const Bytes& l3, uint8_t packet_type = 0) {
  Bytes b;
  put16(b, protocol);
  put16(b, 0);
  b.insert(b.end(), {0, 0, 0, 7});
  put16(b, 1);
  b.push_back(packet_type);
  b.push_back(6);
  for (int i = 0; i < 8; ++i) b.push_back(i < 6 ? 0x02 : 0);
  append(b, l3);
  return b;
}

inline Bytes arp_request() {
  Bytes a = {0, 1, 8, 0, 6, 4, 0, 1};
  for (int i = 0; i < 20; ++i) a.push_back(static_cast<uint8_t>(i));
  Bytes b = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06};
  append(b, a);
  return b;
}

// A pcap file written by libpcap at nanosecond precision.
class PcapWriter {
 public:
  PcapWriter(const std::string& path, int dlt, int snaplen = 262144) {
    dead_ = pcap_open_dead_with_tstamp_precision(dlt, snaplen, PCAP_TSTAMP_PRECISION_NANO);
    if (!dead_) throw std::runtime_error("pcap_open_dead failed");
    dump_ = pcap_dump_open(dead_, path.c_str());
    if (!dump_) throw std::runtime_error("pcap_dump_open " + path + ": " + pcap_geterr(dead_));
  }
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter() { close(); }
  void add(int64_t ts_realtime_ns, const Bytes& frame, uint32_t caplen = UINT32_MAX) {
    pcap_pkthdr h{};
    h.ts.tv_sec = ts_realtime_ns / 1'000'000'000;
    h.ts.tv_usec = ts_realtime_ns % 1'000'000'000;  // nanoseconds at this precision
    h.len = static_cast<uint32_t>(frame.size());
    h.caplen = std::min<uint32_t>(caplen, h.len);
    pcap_dump(reinterpret_cast<u_char*>(dump_), &h, frame.data());
  }
  void flush() { pcap_dump_flush(dump_); }
  void close() {
    if (dump_) pcap_dump_close(dump_);
    if (dead_) pcap_close(dead_);
    dump_ = nullptr;
    dead_ = nullptr;
  }

 private:
  pcap_t* dead_ = nullptr;
  pcap_dumper_t* dump_ = nullptr;
};

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "latlab-pcap-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline const V4 kProbeV4 = {198, 18, 0, 1};
inline const V4 kTargetV4 = {198, 18, 0, 2};
inline const V6 kProbeV6 = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline const V6 kTargetV6 = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

}  // namespace latlab::test
