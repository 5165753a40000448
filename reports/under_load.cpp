#include "reports/under_load.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "reports/stats.h"

namespace latlab::reports {

using json = nlohmann::json;

namespace {

// What an idle reference shares with the experiment under load: the probe,
// its ends and its schedule (not the load, not the sysctls).
std::string identity_of(const json& p) {
  json id = json::object();
  for (const char* k : {"probe", "from", "to", "family", "interval_ns", "payload", "count", "duration_ns", "wait",
                        "responder", "pairs", "pair_list"})
    if (p.contains(k)) id[k] = p[k];
  return id.dump();
}

// Counters that explain latency under load: drops, squeezes, errors (the
// flagged ones) and a qdisc's requeues and overlimits.
bool explains(const CounterChange& c) {
  if (c.flagged) return true;
  if (c.source != "qdisc") return false;
  return c.name.find("requeues") != std::string::npos || c.name.find("overlimits") != std::string::npos;
}

std::string rate_text(double bps) {
  if (bps >= 1e9) return fmt::format("{:.2f} Gbit/s", bps / 1e9);
  if (bps >= 1e6) return fmt::format("{:.1f} Mbit/s", bps / 1e6);
  return fmt::format("{:.0f} kbit/s", bps / 1e3);
}

}  // namespace

std::string load_text(const LoadSummary& l) {
  std::string s = fmt::format("{} x{}{} {} to {}", l.kind, l.streams,
                              l.congestion.empty() ? "" : " (" + l.congestion + ")", l.from_node, l.to_node);
  if (l.bandwidth_bps > 0) s += fmt::format(" (asked {})", rate_text(static_cast<double>(l.bandwidth_bps)));
  if (l.bits_per_second) s += ": " + rate_text(*l.bits_per_second);
  if (l.retransmits) s += fmt::format(", {} retransmits", *l.retransmits);
  if (l.lost_packets && l.packets && *l.packets > 0)
    s += fmt::format(", {} of {} datagrams lost ({:.1f}%)", *l.lost_packets, *l.packets,
                     100.0 * static_cast<double>(*l.lost_packets) / static_cast<double>(*l.packets));
  if (l.failed) s += fmt::format("; {} of {} repetitions failed: {}", l.failed, l.repetitions, l.error);
  return s;
}

Status fill_load_and_pairs(store::SqliteStore& st, const std::vector<const store::ExperimentRecord*>& reps,
                           ExperimentReport& x) {
  if (reps.empty()) return Ok{};
  json p = json::parse(reps.front()->params_json, nullptr, false);
  if (!p.is_object()) return Ok{};
  x.identity = identity_of(p);
  if (p.contains("idle") && p["idle"].is_string()) x.idle = p["idle"].get<std::string>();
  if (p.contains("load")) {
    std::map<int64_t, LoadSummary> by_idx;
    std::map<int64_t, std::vector<double>> rates;
    for (const auto* e : reps) {
      auto loads = st.loads(e->id);
      if (!loads.ok()) return loads.error();
      for (const auto& l : *loads) {
        LoadSummary& s = by_idx[l.idx];
        s.kind = l.kind;
        s.from_node = l.from_node;
        s.to_node = l.to_node;
        s.streams = l.streams;
        s.bandwidth_bps = l.bandwidth_bps;
        s.cpus = l.cpus;
        if (!l.congestion.empty()) s.congestion = l.congestion;
        ++s.repetitions;
        if (l.status != "complete") {
          ++s.failed;
          if (s.error.empty()) s.error = l.error;
          continue;
        }
        if (l.bits_per_second) rates[l.idx].push_back(*l.bits_per_second);
        if (l.retransmits) s.retransmits = s.retransmits.value_or(0) + *l.retransmits;
        if (l.lost_packets) s.lost_packets = s.lost_packets.value_or(0) + *l.lost_packets;
        if (l.packets) s.packets = s.packets.value_or(0) + *l.packets;
        json peak = json::parse(l.peak_json, nullptr, false);
        if (peak.is_object())
          for (auto& [dev, v] : peak.items()) {
            s.egress = dev;
            s.peak_backlog_bytes = std::max(s.peak_backlog_bytes, v.value("backlog_bytes", int64_t{0}));
            s.peak_qlen = std::max(s.peak_qlen, v.value("qlen", int64_t{0}));
          }
      }
    }
    for (auto& [idx, s] : by_idx) {
      const auto& r = rates[idx];
      if (!r.empty()) {
        double sum = 0;
        for (double v : r) sum += v;
        s.bits_per_second = sum / static_cast<double>(r.size());
      }
      x.loads.push_back(s);
    }
  }
  if (p.contains("pairs") || p.contains("pair_list")) {
    std::map<int64_t, Quantiles> q;
    std::map<int64_t, PairRow> rows;
    for (const auto* e : reps) {
      LATLAB_TRY(st.for_each_sample(e->id, [&](const store::SampleRecord& s) {
        if (s.warmup || s.status == store::SampleStatus::late) return;
        PairRow& row = rows[s.pair];
        row.pair = s.pair;
        if (s.status == store::SampleStatus::ok && s.rtt_user) {
          ++row.received;
          q[s.pair].add(*s.rtt_user);
        } else {
          ++row.lost;
        }
      }));
    }
    for (auto& [pair, row] : rows) {
      q[pair].finish();
      row.p50 = q[pair].quantile(0.5);
      row.p99 = q[pair].quantile(0.99);
      x.pairs.push_back(row);
    }
  }
  return Ok{};
}

void add_under_load(Report& r, bool paired) {
  for (const auto& x : r.experiments) {
    if (x.loads.empty()) continue;
    UnderLoadRow row;
    row.loaded = x.label;
    const ExperimentReport* idle = nullptr;
    if (!x.idle.empty()) {
      for (const auto& o : r.experiments)
        if (o.run_id == x.run_id && o.name == x.idle) idle = &o;
      row.idle_how = idle ? "named by the scenario" : "\"" + x.idle + "\" (named by the scenario) is not in this run";
    } else {
      std::vector<const ExperimentReport*> found;
      for (const auto& o : r.experiments)
        if (o.run_id == x.run_id && o.loads.empty() && o.identity == x.identity) found.push_back(&o);
      if (found.size() == 1) {
        idle = found.front();
        row.idle_how = "same probe, ends and schedule";
      } else {
        row.idle_how = found.empty() ? "no experiment without load runs the same probe, ends and schedule"
                                     : "several experiments match; name one with \"idle\"";
      }
    }
    row.load_p50 = x.user.p50;
    row.load_p99 = x.user.p99;
    for (const auto& l : x.loads) row.load += (row.load.empty() ? "" : "; ") + load_text(l);
    std::map<std::string, int64_t> idle_delta;
    if (idle) {
      row.idle = idle->label;
      row.idle_p50 = idle->user.p50;
      row.idle_p99 = idle->user.p99;
      row.p50 = compare_experiments(x.reps, idle->reps, Metric::p50, x.how.min_effect, paired);
      row.p99 = compare_experiments(x.reps, idle->reps, Metric::p99, x.how.min_effect, paired);
      for (const auto& c : idle->counters) idle_delta[c.node + "/" + c.name] = c.delta;
    }
    for (const auto& c : x.counters) {
      if (!explains(c)) continue;
      auto it = idle_delta.find(c.node + "/" + c.name);
      row.explain.push_back(fmt::format("{} {} {}: {}{}", c.node, c.source, c.name, c.delta,
                                        idle ? fmt::format(" (idle {})", it == idle_delta.end() ? 0 : it->second)
                                             : ""));
    }
    for (const auto& l : x.loads)
      if (!l.egress.empty())
        row.explain.push_back(fmt::format("{} qdisc backlog peak: {} bytes, {} packets", l.egress,
                                          l.peak_backlog_bytes, l.peak_qlen));
    r.under_load.push_back(std::move(row));
  }
}

}  // namespace latlab::reports
