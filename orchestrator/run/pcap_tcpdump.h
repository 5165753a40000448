// The tcpdump side of capture kind "tcpdump": which interfaces, which filter,
// which command line, and what tcpdump reports when it stops. The capture
// itself is in capture_tcpdump.cpp; the parsing of its files in pcap_ingest.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run/capture.h"
#include "scenario/model.h"
#include "util/result.h"

namespace latlab::run {

struct CaptureInterface {
  std::string id;  // "node:ifname"
  std::string node;
  std::string ifname;
};

// The interfaces to capture on, in rank order for wire times: the probe's
// egress interface first when it is captured, then the others as listed.
// Default (no interfaces listed): the egress interface alone.
Result<std::vector<CaptureInterface>> tcpdump_interfaces(const scenario::CaptureSpec& spec,
                                                         const scenario::Experiment& exp);

// The BPF filter for the experiment's packets: ICMP(v6) echo requests and
// replies to/from the target (raw probes: also ARP), or UDP to/from the
// target's responder port.
std::string tcpdump_filter(const scenario::Experiment& exp);

std::vector<std::string> tcpdump_argv(const std::string& tcpdump, const std::string& ifname,
                                      const std::string& file, const std::string& filter,
                                      bool timestamp_host);

// The statistics tcpdump prints on stderr when it stops.
struct TcpdumpStats {
  std::optional<uint64_t> captured;
  std::optional<uint64_t> received_by_filter;
  std::optional<uint64_t> dropped_by_kernel;
  std::optional<uint64_t> dropped_by_interface;
};
TcpdumpStats parse_tcpdump_stats(const std::string& stderr_text);

// The line of tcpdump's stderr that says what went wrong: the last one that
// starts with "tcpdump: " (and is not "listening on"), else the last line.
std::string tcpdump_error_line(const std::string& text);

struct TcpdumpOptions {
  std::string tcpdump_path;  // "" = "tcpdump" found in PATH
  std::chrono::milliseconds listen_timeout{5000};
  std::chrono::milliseconds stop_timeout{5000};
  // tcpdump leaves what is still in its ring when SIGINT arrives: before the
  // signal, wait until no capture file has grown for settle_quiet (at least
  // settle_min, at most settle_max after stop() was called).
  std::chrono::milliseconds settle_min{100};
  std::chrono::milliseconds settle_quiet{100};
  std::chrono::milliseconds settle_max{2000};
};

// make_tcpdump_capture() with options (tests use a fake tool path and times).
std::unique_ptr<Capture> make_tcpdump_capture_with(const scenario::CaptureSpec& spec, TcpdumpOptions options);

}  // namespace latlab::run
