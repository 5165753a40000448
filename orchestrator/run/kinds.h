// The run side of the probe and responder kinds: the latlab-agent arguments
// particular to each, and what its packets are on the wire (for tcpdump's
// filter and for matching captured frames to samples). Capture kinds are
// registered in capture.h.
//
// One file per kind (probe_<kind>.cpp, responder_<kind>.cpp in this
// directory); kinds.cpp lists them once per family. The scenario side of the
// same kinds is scenario/kinds.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenario/model.h"
#include "store/records.h"
#include "util/result.h"

namespace latlab::run {

// What a probe's requests and replies are on the wire.
enum class Echo { icmp, udp };

struct ProbeKind {
  std::string name;
  Echo echo = Echo::icmp;
  bool sends_arp = false;  // resolves its own neighbours (raw): tcpdump keeps ARP too
  // Appends the agent arguments only this kind takes; ident is the ICMP
  // identifier the run chose for the experiment.
  void (*agent_args)(const scenario::Experiment& e, uint32_t ident, std::vector<std::string>& argv) = nullptr;
};

struct ResponderKind {
  std::string name;
  // Appends the agent arguments only this kind takes; nullptr when no agent
  // runs (the kernel answers).
  void (*agent_args)(const scenario::Experiment& e, std::vector<std::string>& argv) = nullptr;
};

// How a load kind runs: iperf3's client arguments particular to it, and what
// it achieved, read from iperf3's "end" object.
struct LoadKind {
  std::string name;
  void (*client_args)(const scenario::LoadSpec& l, std::vector<std::string>& argv) = nullptr;
  void (*read_end)(const nlohmann::json& end, store::LoadRecord& rec) = nullptr;
};

const std::vector<ProbeKind>& probe_kinds();
const std::vector<LoadKind>& load_kinds();
Result<const LoadKind*> load_kind(const std::string& name);
const std::vector<ResponderKind>& responder_kinds();
// The kind, or an error naming the supported ones.
Result<const ProbeKind*> probe_kind(const std::string& name);
Result<const ResponderKind*> responder_kind(const std::string& name);

const ProbeKind& icmp_probe_kind();
const ProbeKind& udp_probe_kind();
const ProbeKind& raw_probe_kind();
const ResponderKind& kernel_responder_kind();
const ResponderKind& udp_reflector_responder_kind();
const ResponderKind& raw_responder_kind();
const LoadKind& tcp_load_kind();
const LoadKind& udp_load_kind();

}  // namespace latlab::run
