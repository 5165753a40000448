// Capture kind "counters": snapshots of the kernel's network counters before
// (start) and after (stop) the experiment, stored as phase before / after /
// delta (after - before; counters only, never gauges).
//   global, node "host":   /proc/net/softnet_stat (softnet), /proc/softirqs (softirqs)
//   per lab node, read inside the node's namespace:
//     /proc/thread-self/net/snmp (snmp), /proc/thread-self/net/netstat (netstat),
//     IFLA_STATS64 of each lab interface (link), its root qdisc's stats (qdisc);
//     netns nodes also report their own "lo" (it is the lab's).
// A source that cannot be read is named in the summary; the capture fails only
// when nothing at all could be read.
#include <nlohmann/json.hpp>
#include <set>

#include "run/capture.h"
#include "run/counters_parse.h"
#include "run/counters_read.h"

namespace latlab::run {

namespace {

struct Snapshot {
  std::vector<store::CounterRecord> records;
  std::vector<std::string> gauge_keys;
  std::vector<SourceFailure> failures;
};

class CountersCapture : public Capture {
 public:
  using Capture::Capture;

  Status start(ExperimentContext& ctx) override {
    before_ = snapshot(ctx, "before");
    started_ = true;
    if (before_.records.empty()) return Error("counters: nothing could be read: " + first_failure(before_));
    return Ok{};
  }

  Status stop(ExperimentContext& ctx) override {
    if (!started_) return Ok{};
    after_ = snapshot(ctx, "after");
    stopped_ = true;
    if (after_.records.empty())
      return Error("counters: nothing could be read after the experiment: " + first_failure(after_));
    return Ok{};
  }

  Status ingest(ExperimentContext& ctx) override {
    if (!started_ || !stopped_)
      return Error(started_ ? "counters: no snapshot after the experiment"
                            : "counters: no snapshot before the experiment");
    std::vector<std::string> gauges = before_.gauge_keys;
    gauges.insert(gauges.end(), after_.gauge_keys.begin(), after_.gauge_keys.end());
    auto deltas = counter_deltas(before_.records, after_.records, gauges);

    std::vector<store::CounterRecord> all;
    all.reserve(before_.records.size() + after_.records.size() + deltas.size());
    all.insert(all.end(), before_.records.begin(), before_.records.end());
    all.insert(all.end(), after_.records.begin(), after_.records.end());
    all.insert(all.end(), deltas.begin(), deltas.end());
    if (auto st = ctx.store->add_counters(ctx.experiment_id, all); !st.ok())
      return st.error().with_context("counters: values");

    std::set<std::string> sources, names, nodes;
    for (const auto& r : before_.records) {
      sources.insert(r.source);
      names.insert(counter_key(r.node, r.source, r.name));
      nodes.insert(r.node);
    }
    int64_t changed = 0;
    for (const auto& d : deltas)
      if (d.value != 0) ++changed;
    nlohmann::json failed = nlohmann::json::array();
    std::set<std::string> seen;
    for (const auto* snap : {&before_, &after_})
      for (const auto& f : snap->failures) {
        std::string key = f.node + "/" + f.source + "/" + f.error;
        if (!seen.insert(key).second) continue;
        failed.push_back({{"node", f.node}, {"source", f.source}, {"error", f.error}});
      }
    nlohmann::json summary = {
        {"sources", std::vector<std::string>(sources.begin(), sources.end())},
        {"nodes", std::vector<std::string>(nodes.begin(), nodes.end())},
        {"names", names.size()},
        {"deltas", deltas.size()},
        {"changed", changed},
        {"gauges", std::set<std::string>(gauges.begin(), gauges.end()).size()},
        {"failed", failed},
    };
    store::CaptureRecord c;
    c.experiment_id = ctx.experiment_id;
    c.kind = spec().kind;
    c.status = "ok";
    c.summary_json = summary.dump();
    if (!failed.empty())
      c.error = "counters: " + std::to_string(failed.size()) +
                " source(s) unreadable, first: " + failed[0]["node"].get<std::string>() + " " +
                failed[0]["source"].get<std::string>() + ": " + failed[0]["error"].get<std::string>();
    auto r = ctx.store->add_capture(c);
    if (!r.ok()) return r.error().with_context("counters: captures row");
    return Ok{};
  }

 private:
  static std::string first_failure(const Snapshot& s) {
    if (s.failures.empty()) return "no source produced values";
    const auto& f = s.failures.front();
    return "node \"" + f.node + "\" " + f.source + ": " + f.error;
  }

  static void take(Snapshot& snap, const std::string& phase, const std::string& node, CounterReading&& r) {
    for (const auto& v : r.values)
      if (v.gauge) snap.gauge_keys.push_back(counter_key(node, v.source, v.name));
    auto recs = counter_records(phase, node, r.values);
    snap.records.insert(snap.records.end(), recs.begin(), recs.end());
    snap.failures.insert(snap.failures.end(), r.failures.begin(), r.failures.end());
  }

  static Snapshot snapshot(ExperimentContext& ctx, const std::string& phase) {
    Snapshot snap;
    take(snap, phase, "host", read_global_counters());
    if (!ctx.lab) return snap;
    for (const auto& node : ctx.lab->nodes) {
      std::string ns;
      std::vector<std::string> ifs;
      for (const auto* i : ctx.lab->interfaces_of(node.name)) ifs.push_back(i->name);
      if (!node.root_namespace) {
        ns = ctx.netns_path(node.name);
        if (ns.empty()) {
          snap.failures.push_back(
              {node.name, "namespace", "node kind " + node.kind + " has no namespace path"});
          continue;
        }
        ifs.push_back("lo");
      }
      take(snap, phase, node.name, read_namespace_counters(node.name, ns, ifs));
    }
    return snap;
  }

  Snapshot before_, after_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Capture> make_counters_capture(const scenario::CaptureSpec& spec) {
  return std::make_unique<CountersCapture>(spec);
}

}  // namespace latlab::run
