// Reads counters from the running kernel, inside a network namespace where
// they are per namespace. setns() changes only the calling thread, so each
// namespace is read on a short-lived thread that enters it and reads
// /proc/thread-self/net/* (not /proc/self/net, which follows the main
// thread's namespace) and opens its rtnetlink socket there.
#pragma once

#include <string>
#include <vector>

#include "run/counters_parse.h"
#include "util/result.h"

namespace latlab::run {

struct SourceFailure {
  std::string node;
  std::string source;
  std::string error;
};

struct CounterReading {
  std::vector<CounterValue> values;
  std::vector<SourceFailure> failures;
};

// snmp, netstat, link (IFLA_STATS64 of each named interface) and qdisc (root
// qdisc statistics of each named interface) of the namespace at netns_path
// ("" = latlab's own namespace). An interface that does not exist is a
// failure of that source, named.
CounterReading read_namespace_counters(const std::string& node, const std::string& netns_path,
                                       const std::vector<std::string>& interfaces);

// softnet_stat and softirqs: global, node "host".
CounterReading read_global_counters();

Result<std::string> read_text_file(const std::string& path);

}  // namespace latlab::run
