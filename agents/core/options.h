// latlab-agent's command line: `latlab-agent MODE [--option value]...`, or
// `--spec -` to read the options as one JSON object on stdin (argv wins over
// the spec). Parsing is strict: unknown options, options that do not apply to
// the mode and impossible values are usage errors (exit code 2).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/result.h"

namespace latlab::agent {

enum class Mode : std::uint8_t { icmp, udp, raw, udp_reflector, raw_responder, version, hold };

const char* mode_name(Mode mode);
bool is_probe(Mode mode);
// "icmp, udp, raw, udp-reflector, raw-responder, version, hold"
std::string supported_modes();

inline constexpr std::int64_t kSecond = 1'000'000'000;
inline constexpr std::uint32_t kDefaultPayload = 56;
inline constexpr std::uint16_t kDefaultUdpPort = 9000;

struct AgentOptions {
  Mode mode = Mode::version;
  // Where to run.
  std::string netns_path;
  int netns_pid = 0;
  // What to probe.
  std::string target_text;
  IpAddress target;
  int family = 0;  // 0 = inferred from --target
  std::uint64_t count = 10;
  bool count_set = false;
  std::int64_t duration_ns = 0;  // 0 = no limit
  std::int64_t interval_ns = kSecond;
  std::uint32_t payload = kDefaultPayload;
  std::uint64_t warmup = 0;
  std::int64_t timeout_ns = kSecond;
  int ident = -1;  // -1 = random per run
  bool samples = true;
  std::int64_t spin_ns = 0;  // busy-poll instead of sleeping (see --spin)
  bool kernel_stamps = true;  // SO_TIMESTAMPING software TX/RX stamps
  // Tuning.
  int cpu = -1;
  int busy_poll_us = -1;
  int priority = -1;
  int rt_priority = 0;  // 0 = SCHED_OTHER
  // UDP.
  std::uint16_t port = kDefaultUdpPort;
  // AF_PACKET.
  std::string ifname;
  bool qdisc_bypass = false;
  int fanout_group = -1;
  std::uint32_t ring_blocks = 8;
  std::uint32_t ring_block_size = 1u << 16;
  std::uint32_t ring_block_timeout_ms = 1;
  std::string source_text;
  Ipv4Address source{};
  bool source_set = false;
  // Responders.
  std::string address_text;
  IpAddress address;
  bool address_set = false;
  std::uint64_t drop_every = 0;
  std::int64_t delay_ns = 0;  // busy-wait before each reply (see --delay)
  // Where the spec came from ("" = argv only, "-" = stdin, else a path).
  std::string spec_source;
};

// Reads the spec text for `--spec PATH` ("-" = stdin).
using SpecReader = std::function<Result<std::string>(const std::string& path)>;

Result<AgentOptions> parse_options(const std::vector<std::string>& args, const SpecReader& read_spec);
// The usage text printed for --help.
std::string usage_text();

}  // namespace latlab::agent
