// A store written through SqliteStore with known, deterministic samples:
// seed 000's table (localhost p50 77 µs, peer p50 134 µs: delta 57 µs, 174 %).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace latlab::test {

// Offsets -20..20, each exactly ten times over 410 samples, in a scrambled
// order: the sorted values are symmetric around `base`, so p50 == base.
inline int64_t scrambled_offset(int64_t i) { return (i * 37) % 41 - 20; }

struct SyntheticExperiment {
  SyntheticExperiment(std::string n, std::string path, std::string kind = "netns", int64_t base = 0)
      : name(std::move(n)), path_kind(std::move(path)), from_kind(std::move(kind)), base_ns(base) {}
  std::string name;
  std::string path_kind;
  std::string from_kind = "netns";
  std::string to_kind = "netns";  // the target node's kind (none for localhost)
  int64_t base_ns = 0;
  int64_t step_ns = 50;  // offset unit
  int repetitions = 1;
  std::vector<int64_t> rep_shift_ns;  // added to base_ns in repetition i (a repetition's state)
  std::string params_json = "{}";     // the experiment's stored parameters (wait mode, min_effect, ...)
  bool wire = false;                  // store wire times (tcpdump capture)
  bool trace = false;                 // a trace capture with hop medians
  std::string counters;               // "name=value,..." deltas
};

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/latlab-reports-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr int64_t kSamplesPerRep = 410;
constexpr int64_t kWarmup = 10;

inline int64_t write_run(store::SqliteStore& s, const std::string& scenario,
                         const std::vector<SyntheticExperiment>& exps, const std::string& host_json,
                         int64_t started_ns) {
  using namespace latlab::store;
  RunRecord run;
  run.scenario_name = scenario;
  std::string decl = "{\"experiments\":[";
  for (size_t i = 0; i < exps.size(); ++i)
    decl += (i ? "," : "") + std::string("{\"name\":") + nlohmann::json(exps[i].name).dump() + "}";
  decl += "]}";
  run.scenario_text = decl;
  run.scenario_hash = "h";
  run.latlab_version = "0.1.0";
  run.host_json = host_json;
  run.started_ns = started_ns;
  run.pid = ::getpid();
  run.boot_id = current_boot_id();
  auto rid = s.begin_run(run);
  EXPECT_TRUE(rid.ok());
  int64_t position = 0;
  for (const auto& x : exps) {
    for (int rep = 0; rep < x.repetitions; ++rep) {
      ExperimentRecord e;
      e.run_id = *rid;
      e.name = x.name;
      e.repetition = rep;
      e.position = position++;
      e.probe = "icmp";
      e.path_kind = x.path_kind;
      e.from_node = "a";
      e.from_kind = x.from_kind;
      e.to_node = "b";
      if (x.path_kind != "localhost") e.to_kind = x.to_kind;
      e.target = x.path_kind == "localhost" ? "127.0.0.1" : "198.18.0.2";
      e.params_json = x.params_json;
      const int64_t base =
          x.base_ns + (static_cast<size_t>(rep) < x.rep_shift_ns.size() ? x.rep_shift_ns[rep] : 0);
      auto id = s.begin_experiment(e);
      EXPECT_TRUE(id.ok());
      e.id = *id;
      auto sink = s.samples(e.id);
      EXPECT_TRUE(sink.ok());
      int64_t t = 1'000'000'000 + rep * 10'000'000'000LL;
      for (int64_t i = 0; i < kWarmup + kSamplesPerRep + 2; ++i) {
        SampleRecord r;
        r.seq = i;
        r.warmup = i < kWarmup;
        r.t_send_user = t + i * 1'000'000;
        if (i == kWarmup + kSamplesPerRep) {
          r.status = SampleStatus::lost;  // one lost
        } else if (i == kWarmup + kSamplesPerRep + 1) {
          r.status = SampleStatus::late;  // one late, with an RTT that must not count
          r.rtt_user = 900'000'000;
        } else {
          int64_t k = r.warmup ? 0 : i - kWarmup;
          int64_t rtt = r.warmup ? base * 3 : base + scrambled_offset(k) * x.step_ns;
          r.rtt_user = rtt;
          r.rtt_kernel = rtt - 20'000;
          r.t_recv_user = *r.t_send_user + rtt;
          if (x.wire) {
            r.wire_send = *r.t_send_user + 8'000;
            r.wire_recv = *r.wire_send + 30'000;
          }
        }
        EXPECT_TRUE((*sink)->add(r).ok());
      }
      EXPECT_TRUE((*sink)->flush().ok());
      e.status = "complete";
      e.summary_json = "{\"type\":\"summary\"}";
      EXPECT_TRUE(s.finish_experiment(e).ok());
      if (x.wire) {
        CaptureRecord c;
        c.experiment_id = e.id;
        c.kind = "tcpdump";
        c.interface = "a:eth0";
        c.status = "ok";
        c.summary_json = "{\"requests_seen\":411,\"replies_seen\":410,\"requests_expected\":411}";
        EXPECT_TRUE(s.add_capture(c).ok());
      }
      if (x.trace) {
        CaptureRecord c;
        c.experiment_id = e.id;
        c.kind = "trace";
        c.status = "ok";
        c.summary_json = rep == 0 ? "{\"hop_median_ns\":{\"net_dev_queue>net_dev_start_xmit\":1000,\"net_dev_"
                                    "xmit>netif_receive_skb\":4000},\"hop_pairs\":{\"net_dev_queue>net_dev_"
                                    "start_xmit\":400,\"net_dev_xmit>netif_receive_skb\":400}}"
                                  : "{\"hop_median_ns\":{\"net_dev_queue>net_dev_start_xmit\":3000,\"net_dev_"
                                    "xmit>netif_receive_skb\":2000},\"hop_pairs\":{\"net_dev_queue>net_dev_"
                                    "start_xmit\":10,\"net_dev_xmit>netif_receive_skb\":10}}";
        EXPECT_TRUE(s.add_capture(c).ok());
      }
      std::vector<CounterRecord> cs;
      std::string spec = x.counters;
      while (!spec.empty()) {
        auto comma = spec.find(',');
        std::string item = spec.substr(0, comma);
        spec = comma == std::string::npos ? "" : spec.substr(comma + 1);
        auto eq = item.find('=');
        cs.push_back(
            CounterRecord{"delta", "a", "snmp", item.substr(0, eq), std::stoll(item.substr(eq + 1))});
        cs.push_back(CounterRecord{"before", "a", "snmp", item.substr(0, eq), 1000});
      }
      EXPECT_TRUE(s.add_counters(e.id, cs).ok());
      EXPECT_TRUE(s.add_stacks(e.id, {{"ping;main;sendto", 10 + rep}, {"ping;main;recvmsg", 5}}).ok());
    }
  }
  EXPECT_TRUE(s.finish_run(*rid, "complete", "").ok());
  EXPECT_TRUE(
      s.db()
          .exec("UPDATE runs SET ended_ns = started_ns + 5000000000 WHERE id = " + std::to_string(*rid))
          .ok());
  return *rid;
}

inline std::string seed000_host(const std::string& kernel, const std::string& qdisc) {
  return "{\"machine\":{\"kernel\":\"" + kernel +
         "\",\"cpu_model\":\"Test "
         "CPU\",\"cpus_online\":2,\"clocksource\":\"tsc\",\"cpu_governor\":\"performance\","
         "\"sysctls\":{\"net.core.netdev_budget\":\"300\"}},\"lab\":{\"a\":{\"kind\":\"netns\","
         "\"interfaces\":{\"eth0\":"
         "{\"mtu\":1500,\"qdisc\":\"" +
         qdisc + "\",\"offloads\":{\"gro\":false}}}}}}";
}

// The seed 000 experiments.
inline std::vector<SyntheticExperiment> seed000_experiments() {
  SyntheticExperiment peer{"peer", "peer"};
  peer.base_ns = 134'000;
  peer.repetitions = 2;
  peer.wire = true;
  peer.trace = true;
  peer.counters = "Ip.InReceives=820,Udp.RcvbufErrors=3,Ip.Unchanged=0";
  SyntheticExperiment self{"self", "self"};
  self.base_ns = 80'000;
  self.step_ns = 10;  // tight: CIs overlap localhost's? no: 80 vs 77, both tight
  SyntheticExperiment local{"localhost", "localhost"};
  local.base_ns = 77'000;
  local.from_kind = "netns";
  local.counters = "Ip.InReceives=410";
  return {peer, self, local};
}

}  // namespace latlab::test
