// What the store holds, as passive data shared by the writer and the reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace latlab::store {

enum class SampleStatus : int { ok = 0, lost = 1, late = 2 };

struct RunRecord {
  int64_t id = 0;
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_text;
  std::string scenario_hash;
  std::string latlab_version;
  std::string host_json = "{}";  // kernel, CPU, clocksource, governor, sysctls, interfaces
  std::string status = "running";
  int64_t started_ns = 0;  // CLOCK_REALTIME
  std::optional<int64_t> ended_ns;
  int64_t pid = 0;
  std::string boot_id;
  std::optional<int64_t> seed;
  std::string order_json = "[]";  // the order experiments ran in
  std::string run_dir;            // captures live here
  std::string error;
};

struct ExperimentRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string name;
  int64_t repetition = 0;
  int64_t position = 0;  // place in the run's order
  std::string probe;
  std::string path_kind;  // peer | self | localhost
  std::string from_node;
  std::string from_kind;  // node kind: host | netns | docker
  std::string to_node;
  std::string to_kind;
  std::string target;
  std::string egress;
  std::string params_json = "{}";
  std::string agent_json;          // the agent's header line
  std::string summary_json;        // the agent's summary line
  std::string status = "running";  // running | complete | failed | interrupted
  std::optional<int64_t> started_ns;
  std::optional<int64_t> ended_ns;
  std::optional<int64_t> clock_offset_start_ns;  // realtime - monotonic
  std::optional<int64_t> clock_offset_end_ns;
  std::string error;
};

struct SampleRecord {
  int64_t pair = 0;  // which of the experiment's concurrent probes (0 when it runs one)
  int64_t seq = 0;
  SampleStatus status = SampleStatus::ok;
  bool warmup = false;
  std::optional<int64_t> t_send_user;  // CLOCK_MONOTONIC ns
  std::optional<int64_t> t_send_kernel;
  std::optional<int64_t> t_recv_kernel;
  std::optional<int64_t> t_recv_user;
  std::optional<int64_t> rtt_user;
  std::optional<int64_t> rtt_kernel;
  std::optional<int64_t> peer_proc;
  std::optional<int64_t> wire_send;  // from captures, mapped to CLOCK_MONOTONIC
  std::optional<int64_t> wire_recv;
};

// A sample's wire times, from a capture (CLOCK_MONOTONIC ns; empty = not seen).
struct WireTimeRecord {
  int64_t seq = 0;
  std::optional<int64_t> send;
  std::optional<int64_t> recv;
};

struct CaptureRecord {
  int64_t id = 0;
  int64_t experiment_id = 0;
  std::string kind;
  std::string interface;
  std::string file;
  std::string status;  // ok | failed | skipped
  std::string summary_json = "{}";
  std::string error;
};

struct CounterRecord {
  std::string phase;  // before | after | delta
  std::string node;
  std::string source;  // softnet | snmp | netstat | link | qdisc | softirqs
  std::string name;
  int64_t value = 0;
};

// One background load of an experiment (iperf3), with what it achieved.
struct LoadRecord {
  int64_t experiment_id = 0;
  int64_t idx = 0;   // its place in the experiment's "load" list
  std::string kind;  // tcp | udp
  std::string from_node;
  std::string to_node;
  std::string target;
  int64_t streams = 1;
  int64_t bandwidth_bps = 0;  // asked for, all streams together (0 = as fast as it goes)
  int64_t payload = 0;        // bytes a write (0 = iperf3's default)
  std::string cpus;           // where it ran
  std::string status;         // complete | failed
  std::string error;
  std::optional<int64_t> started_ns;  // CLOCK_REALTIME
  std::optional<int64_t> ended_ns;
  std::optional<double> bits_per_second;  // received (TCP), or sent and not lost (UDP)
  std::optional<int64_t> retransmits;     // TCP
  std::optional<int64_t> lost_packets;    // UDP
  std::optional<int64_t> packets;         // UDP
  std::string congestion;                 // TCP: the sender's congestion control, as iperf3 reports it
  std::string peak_json = "{}";           // the largest qdisc backlog seen while it ran, per interface
  std::string result_json;                // iperf3's own JSON result
};

struct StackRecord {
  std::string stack;  // folded: comm;root;...;leaf
  int64_t weight = 0;
};

struct TraceEventRecord {
  int64_t t_ns = 0;  // CLOCK_MONOTONIC
  std::optional<int64_t> cpu;
  std::string event;
  std::string skbaddr;
  std::string dev;
  std::optional<int64_t> len;
  std::string detail;
};

}  // namespace latlab::store
