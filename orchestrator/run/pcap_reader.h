// Reading pcap files offline with nanosecond timestamps (libpcap), one packet
// at a time, and decoding the frames latlab probes send: Ethernet (with VLAN
// tags), Linux cooked SLL and SLL2 ("any"), raw IP; IPv4, IPv6 (extension
// headers skipped), ICMP and ICMPv6 echo, UDP, ARP. Checksums are not verified:
// a sender's capture sees frames before checksum offload fills them in.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "util/result.h"

struct pcap;

namespace latlab::run {

enum class FrameKind : uint8_t {
  icmp_echo_request,  // ICMP type 8 or ICMPv6 type 128, code 0
  icmp_echo_reply,    // ICMP type 0 or ICMPv6 type 129, code 0
  udp,
  arp,
  other_ip,  // any other IP packet (other ICMP types, TCP, non-first fragments, ...)
  other,     // not IP, or too short to decode
};

const char* frame_kind_name(FrameKind k);

struct DecodedFrame {
  FrameKind kind = FrameKind::other;
  int family = 0;                 // 4 or 6 for IP frames
  std::array<uint8_t, 16> src{};  // IPv4 uses the first 4 bytes
  std::array<uint8_t, 16> dst{};
  uint16_t icmp_ident = 0;
  uint16_t icmp_seq = 0;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  // ICMP echo data or UDP payload, as far as it was captured.
  std::span<const uint8_t> payload;
};

// Decodes one captured frame of the given DLT_* link type. Never fails:
// what it cannot decode is FrameKind::other (or other_ip).
DecodedFrame decode_frame(int linktype, std::span<const uint8_t> data);

struct PcapPacket {
  int64_t ts_realtime_ns = 0;     // the capture's timestamp (CLOCK_REALTIME)
  uint32_t wire_len = 0;          // length on the wire
  std::span<const uint8_t> data;  // the captured bytes; valid until the next read
};

// A pcap file open for reading. Move-only; closes the file when destroyed.
class PcapReader {
 public:
  static Result<PcapReader> open(const std::string& path);
  PcapReader(PcapReader&& o) noexcept;
  PcapReader& operator=(PcapReader&& o) noexcept;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  ~PcapReader();

  int linktype() const { return linktype_; }
  // "EN10MB", "LINUX_SLL2", ...
  std::string linktype_name() const;
  // The next packet; nullopt at the end of the file; an error when the file
  // is damaged (e.g. truncated by a killed writer).
  Result<std::optional<PcapPacket>> next();
  uint64_t packets_read() const { return packets_; }

 private:
  PcapReader(pcap* p, std::string path, int linktype) : p_(p), path_(std::move(path)), linktype_(linktype) {}
  void close();
  pcap* p_ = nullptr;
  std::string path_;
  int linktype_ = 0;
  uint64_t packets_ = 0;
};

}  // namespace latlab::run
