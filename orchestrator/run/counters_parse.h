// Parsers of the kernel's counter files and the before/after delta.
// Pure: text in, named values out.
//
// Counters only grow: their delta (after - before) is stored. Gauges (queue
// lengths, backlogs, configuration values such as Tcp.RtoMin) go up and down:
// they are stored as before/after only, never as a delta.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"
#include "util/result.h"

namespace latlab::run {

struct CounterValue {
  std::string source;  // softnet | snmp | netstat | link | qdisc | softirqs
  std::string name;
  int64_t value = 0;
  bool gauge = false;
};

// /proc/net/softnet_stat: one line per online CPU, hex columns whose number
// grew with the kernel (net/core/net-procfs.c softnet_seq_show):
//   10: processed dropped time_squeeze 0 0 0 0 0 cpu_collision received_rps
//   11: ... flow_limit_count                               (3.11)
//   13: ... backlog_len cpu                                (5.10)
//   15: ... input_qlen process_qlen                        (6.5)
// Columns 3..7 are always 0 and are skipped; later unknown columns are kept
// as "colN". Names are "cpu<N>.<column>", N from the cpu column when the
// kernel prints it, else the line index (older kernels skip offline CPUs, so
// the index may not be the CPU number there).
Result<std::vector<CounterValue>> parse_softnet_stat(std::string_view text);

// /proc/net/snmp and /proc/net/netstat: pairs of lines
//   Udp: InDatagrams NoPorts ...
//   Udp: 12 0 ...
// named "Udp.InDatagrams". `source` is stored with each value.
Result<std::vector<CounterValue>> parse_proc_pairs(std::string_view text, const std::string& source);

// /proc/softirqs: "NET_RX.cpu0", "NET_TX.cpu1" (only the network softirqs).
Result<std::vector<CounterValue>> parse_softirqs(std::string_view text);

// The names in snmp/netstat that are settings or current levels, not counts.
bool is_snmp_gauge(const std::string& name);

// Records of one phase for one node.
std::vector<store::CounterRecord> counter_records(const std::string& phase, const std::string& node,
                                                  const std::vector<CounterValue>& values);

// after - before for every counter (not gauge) present in both, keyed by
// (node, source, name). Values present in one phase only get no delta.
std::vector<store::CounterRecord> counter_deltas(const std::vector<store::CounterRecord>& before,
                                                 const std::vector<store::CounterRecord>& after,
                                                 const std::vector<std::string>& gauge_keys);

// "node/source/name": the key counter_deltas() uses for gauges.
std::string counter_key(const std::string& node, const std::string& source, const std::string& name);

}  // namespace latlab::run
