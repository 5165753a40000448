// After an experiment: read the tcpdump files of its interfaces, match frames
// to samples (pcap_match.h), write wire times and one `captures` row per
// interface with a summary of what it saw:
//
//   {"interface":"a:eth0","file":"tcpdump-a-eth0.pcap","rank":0,
//    "linktype":"EN10MB","frames":N,
//    "requests_seen":N,"replies_seen":N,"requests_expected":N,
//    "duplicate_requests":N,"duplicate_replies":N,"foreign_frames":N,"other_frames":N,
//    "coverage":0.5,  // (requests_seen + replies_seen) / (2 * requests_expected); null if 0 expected
//    "wire_send_from":N,"wire_recv_from":N,  // samples whose wire times came from here
//    "first_frame_mono_ns":..,"last_frame_mono_ns":..,
//    "match":{"probe":"icmp","target":"198.18.0.2","identifier":N|null,"local_port":N|null,
//             "port":N|null,"cookie":"0x..."|null,"cookie_source":"agent|learned|none"},
//    "clock":{"offset_start_ns":..,"offset_end_ns":..|null,"source":"agent|capture"},
//    "tcpdump":{"captured":N,"received_by_filter":N,"dropped_by_kernel":N,"exit_code":N,"filter":"..."},
//    "timestamp_type":"host|default","timestamp_note":"..."|null,"read_error":"..."|null}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run/capture.h"
#include "run/pcap_match.h"
#include "run/pcap_tcpdump.h"

namespace latlab::run {

struct PcapInput {
  CaptureInterface interface;
  std::string file;
  std::string filter;
  TcpdumpStats stats;
  std::optional<int> exit_code;
  std::string timestamp_type = "host";  // "default" when -j host was refused
  std::string timestamp_note;
  std::string tool_error;  // tcpdump failed while capturing ("" = it did not)
};

// Match keys from the experiment, the context and the agent's header
// (socket.identifier, socket.local_port, cookie when the agent reports it).
MatchKeys match_keys_for(const ExperimentContext& ctx);

// Reads the files (ranked as listed), writes wire times for every matched seq
// and one captures row per input. An interface whose file cannot be read, or
// whose tcpdump failed, gets status "failed" with the reason in its row (what
// it did capture still counts); that is not returned as an error, so the
// runner does not record it twice. Errors returned (the store refusing a
// write) were not recorded.
Status ingest_pcaps(ExperimentContext& ctx, const std::vector<PcapInput>& inputs, MatchKeys keys,
                    const ClockMap& clock, const std::string& clock_source);

}  // namespace latlab::run
