// Capture kind "trace": the kernel's packet-path tracepoints, recorded in a
// private tracefs instance "latlab-<pid>-<experiment id>" with the "mono"
// clock (CLOCK_MONOTONIC, the samples' clock):
//   net:net_dev_queue net:net_dev_start_xmit net:net_dev_xmit net:netif_rx
//   net:netif_receive_skb skb:consume_skb skb:kfree_skb (with its reason)
// The device events are filtered in the kernel to the lab's interface names;
// frees are kept when they end a packet seen on the lab's devices. Packets
// are joined on skbaddr into hop timelines (trace_parse.h) and summarised in
// the captures row. Optionally (spec.ftrace_function) the function tracer on
// the send path, kept for the agents' processes. A missing event or tracer is
// reported in the summary, not a failure.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "run/capture.h"
#include "run/trace_instance.h"
#include "run/trace_parse.h"

namespace latlab::run {

namespace {

struct EventSpec {
  const char* system;
  const char* name;
  bool has_dev;  // has a "name" field the device filter applies to
};

const EventSpec trace_events[] = {
    {"net", "net_dev_queue", true}, {"net", "net_dev_start_xmit", true}, {"net", "net_dev_xmit", true},
    {"net", "netif_rx", true},      {"net", "netif_receive_skb", true},  {"skb", "consume_skb", false},
    {"skb", "kfree_skb", false},
};

// The send and receive path of seed 004 (udp_sendmsg down to the driver) and
// of ICMP/raw probes; each is added only if the kernel can trace it.
const char* const send_path_functions[] = {
    "udp_sendmsg",
    "udp_send_skb",
    "ip_make_skb",
    "ip_send_skb",
    "ip_push_pending_frames",
    "raw_sendmsg",
    "ping_v4_sendmsg",
    "ip_local_out",
    "__ip_local_out",
    "ip_output",
    "ip_finish_output",
    "ip_finish_output2",
    "neigh_resolve_output",
    "__dev_queue_xmit",
    "dev_hard_start_xmit",
    "veth_xmit",
    "loopback_xmit",
    "__netif_rx",
    "net_rx_action",
    "__netif_receive_skb_core",
    "ip_rcv",
    "ip_local_deliver",
    "icmp_rcv",
    "udp_rcv",
    "sock_def_readable",
};

constexpr int buffer_size_kb = 4096;  // per CPU

class TraceCapture : public Capture {
 public:
  using Capture::Capture;

  Status start(ExperimentContext& ctx) override {
    summary_ = nlohmann::json::object();
    bool mounted = false;
    auto fs = find_tracefs(&mounted);
    if (!fs.ok()) return fs.error().with_context("trace");
    summary_["tracefs"] = *fs;
    if (mounted) summary_["mounted_tracefs"] = true;
    auto stale = remove_stale_instances(*fs, "latlab-");
    if (!stale.empty()) summary_["removed_stale_instances"] = stale;

    std::string name = "latlab-" + std::to_string(::getpid()) + "-" + std::to_string(ctx.experiment_id);
    auto inst = TraceInstance::create(*fs, name);
    if (!inst.ok()) return inst.error().with_context("trace");
    instance_.emplace(std::move(*inst));
    summary_["instance"] = name;
    TraceInstance& in = *instance_;

    if (auto st = in.write("tracing_on", "0"); !st.ok()) return st.error().with_context("trace");
    if (auto st = in.write("trace_clock", "mono"); !st.ok()) {
      instance_.reset();
      return st.error().with_context("trace: the mono clock (CLOCK_MONOTONIC) is required");
    }
    summary_["clock"] = "mono";
    if (auto st = in.write("buffer_size_kb", std::to_string(buffer_size_kb)); st.ok())
      summary_["buffer_size_kb"] = buffer_size_kb;
    else
      summary_["buffer_size_error"] = st.error().message();

    // Device filter: the lab's interface names (and lo for local paths).
    for (const auto& i : ctx.lab ? ctx.lab->interfaces : std::vector<scenario::Interface>{})
      devs_.insert(i.name);
    if (ctx.exp && (ctx.exp->path_kind != scenario::PathKind::peer || ctx.exp->egress == "lo" ||
                    ctx.exp->egress.ends_with(":lo")))
      devs_.insert("lo");
    std::string filter;
    for (const auto& d : devs_) {
      if (d.find('"') != std::string::npos) continue;
      if (!filter.empty()) filter += " || ";
      filter += "name == \"" + d + "\"";
    }

    std::vector<std::string> enabled, missing;
    nlohmann::json filter_errors = nlohmann::json::object();
    for (const auto& e : trace_events) {
      std::string dir = std::string("events/") + e.system + "/" + e.name;
      std::string full = std::string(e.system) + ":" + e.name;
      if (!in.exists(dir + "/enable")) {
        missing.push_back(full);
        continue;
      }
      if (e.has_dev && !filter.empty())
        if (auto st = in.write(dir + "/filter", filter); !st.ok()) filter_errors[full] = st.error().message();
      if (auto st = in.write(dir + "/enable", "1"); !st.ok()) {
        missing.push_back(full + " (" + st.error().message() + ")");
        continue;
      }
      enabled.push_back(full);
    }
    summary_["events_enabled"] = enabled;
    summary_["missing_events"] = missing;
    summary_["dev_filter"] = std::vector<std::string>(devs_.begin(), devs_.end());
    if (!filter_errors.empty()) summary_["filter_errors"] = filter_errors;
    if (enabled.empty()) {
      instance_.reset();
      return Error("trace: none of the packet-path tracepoints can be enabled (missing: " + join(missing) +
                   ")");
    }

    auto tracers = in.read("available_tracers");
    std::string avail = tracers.ok() ? *tracers : "";
    summary_["function_graph"] = avail.find("function_graph") != std::string::npos
                                     ? "available (not used)"
                                     : "unavailable: this kernel has no function_graph tracer "
                                       "(CONFIG_FUNCTION_GRAPH_TRACER is not set)";
    summary_["tracer"] = "nop";
    if (spec().ftrace_function) setup_function_tracer(in, avail);

    if (auto st = in.write("trace", ""); !st.ok()) return st.error().with_context("trace: clear the buffer");
    if (auto st = in.write("tracing_on", "1"); !st.ok()) return st.error().with_context("trace");
    return Ok{};
  }

  Status stop(ExperimentContext& ctx) override {
    if (!instance_) return Ok{};
    TraceInstance& in = *instance_;
    (void)in.write("tracing_on", "0");
    file_ = ctx.dir + "/trace-" + std::to_string(ctx.experiment_id) + ".txt";
    auto st = read_buffer(ctx, in);
    auto rm = instance_->remove();
    instance_.reset();
    if (!st.ok()) return st;
    if (!rm.ok()) summary_["remove_error"] = rm.error().message();
    stopped_ = true;
    return Ok{};
  }

  Status ingest(ExperimentContext& ctx) override {
    if (!stopped_) return Error("trace: the trace buffer was not read (stop failed)");
    // Keep what belongs to the lab: device events (already filtered by name in
    // the kernel; checked again when the filter could not be set), frees that
    // end a lab packet, functions of the agents.
    std::vector<TraceEvent> path_events;
    std::vector<TraceEvent> functions;
    std::string agent_comm =
        ctx.agent_path.empty() ? "latlab-agent" : ctx.agent_path.substr(ctx.agent_path.rfind('/') + 1);
    if (agent_comm.size() > 15) agent_comm.resize(15);  // TASK_COMM_LEN - 1
    std::set<int> pids(ctx.agent_pids.begin(), ctx.agent_pids.end());
    for (auto& e : events_) {
      if (e.event == "function") {
        if (pids.count(e.pid) || e.comm == agent_comm) functions.push_back(std::move(e));
        continue;
      }
      if (!e.dev.empty() && !devs_.empty() && !devs_.count(e.dev)) continue;
      path_events.push_back(std::move(e));
    }
    events_.clear();
    auto timelines = join_on_skbaddr(path_events);
    std::set<const TraceEvent*> joined_frees;
    for (const auto& t : timelines)
      for (const auto* e : t.events)
        if (is_free_event(e->event)) joined_frees.insert(e);

    std::vector<store::TraceEventRecord> recs;
    auto add = [&](const TraceEvent& e) {
      store::TraceEventRecord r;
      r.t_ns = e.t_ns;
      r.cpu = e.cpu;
      r.event = e.event;
      r.skbaddr = e.skbaddr;
      r.dev = e.dev;
      r.len = e.len;
      r.detail = e.detail;
      recs.push_back(std::move(r));
    };
    size_t stored_path = 0;
    for (const auto& e : path_events)
      if (!is_free_event(e.event) || joined_frees.count(&e)) {
        add(e);
        ++stored_path;
      }
    for (const auto& e : functions) add(e);
    std::sort(
        recs.begin(), recs.end(),
        [](const store::TraceEventRecord& a, const store::TraceEventRecord& b) { return a.t_ns < b.t_ns; });
    if (auto st = ctx.store->add_trace_events(ctx.experiment_id, recs); !st.ok())
      return st.error().with_context("trace: events");

    HopSummary hs = summarize_hops(timelines);
    summary_["events_stored"] = recs.size();
    summary_["packet_events"] = stored_path;
    summary_["function_events"] = functions.size();
    summary_["hops"] = hs.hop_counts;
    summary_["hop_median_ns"] = hs.hop_median_ns;
    summary_["hop_pairs"] = hs.hop_pairs;
    summary_["packets_joined"] = hs.packets;
    summary_["packets_freed"] = hs.freed;
    summary_["packets_dropped"] = hs.dropped;
    summary_["drop_reasons"] = hs.drop_reasons;
    if (hs.queue_to_receive_median_ns)
      summary_["queue_to_receive_median_ns"] = *hs.queue_to_receive_median_ns;

    store::CaptureRecord c;
    c.experiment_id = ctx.experiment_id;
    c.kind = spec().kind;
    c.file = file_;
    c.status = "ok";
    c.summary_json = summary_.dump();
    if (stored_path == 0) c.error = "trace: no packet-path event on the lab's devices";
    auto r = ctx.store->add_capture(c);
    if (!r.ok()) return r.error().with_context("trace: captures row");
    return Ok{};
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  void setup_function_tracer(TraceInstance& in, const std::string& avail) {
    nlohmann::json f = nlohmann::json::object();
    f["requested"] = true;
    if (avail.find("function") == std::string::npos) {
      f["status"] = "unavailable: no function tracer in available_tracers";
      summary_["function_tracer"] = f;
      return;
    }
    if (auto st = in.write("set_ftrace_filter", ""); !st.ok()) {
      f["status"] = "unavailable: " + st.error().message();
      summary_["function_tracer"] = f;
      return;
    }
    std::vector<std::string> ok, missing;
    for (const char* fn : send_path_functions) {
      if (in.write("set_ftrace_filter", fn, /*append=*/true).ok())
        ok.push_back(fn);
      else
        missing.push_back(fn);
    }
    f["functions"] = ok;
    f["missing_functions"] = missing;
    // Never start the function tracer without a filter: it would trace every
    // function of the kernel.
    if (ok.empty()) {
      f["status"] = "unavailable: no send-path function can be filtered";
    } else if (auto st = in.write("current_tracer", "function"); !st.ok()) {
      (void)in.write("set_ftrace_filter", "");
      f["status"] = "unavailable: " + st.error().message();
    } else {
      f["status"] = "on";
      f["pid_filter"] = "after the run: the agents' pids and comm";
      summary_["tracer"] = "function";
    }
    summary_["function_tracer"] = f;
  }

  // Reads the buffer twice: the text format (fields; microsecond stamps) and
  // the raw format (nanosecond stamps) of the same entries, zipped. When the
  // two do not line up, the microsecond stamps are kept and the summary says so.
  Status read_buffer(ExperimentContext&, TraceInstance& in) {
    std::ofstream out(file_, std::ios::trunc);
    if (!out) return Error::from_errno("trace: create " + file_, errno);
    ::chmod(file_.c_str(), 0600);
    int64_t lost = 0, lines = 0;
    std::string header_counts;
    events_.clear();
    auto st = in.for_each_line("trace", [&](std::string_view l) {
      out << l << '\n';
      ++lines;
      if (l.starts_with("# entries-in-buffer/entries-written:")) header_counts = std::string(l.substr(37));
      auto t = parse_trace_line(l);
      if (t.kind == TraceLineKind::event) events_.push_back(std::move(t.ev));
      if (t.kind == TraceLineKind::lost) lost += t.lost;
    });
    out.close();
    if (!st.ok()) return st.error().with_context("trace");
    summary_["events_read"] = events_.size();
    summary_["lost_events"] = lost;
    if (!header_counts.empty()) summary_["entries_in_buffer_written"] = header_counts;

    std::vector<RawStamp> raw;
    raw.reserve(events_.size());
    std::string precision = "us";
    if (in.write("options/raw", "1").ok()) {
      auto rs = in.for_each_line("trace", [&](std::string_view l) {
        if (auto r = parse_raw_trace_line(l)) raw.push_back(*r);
      });
      (void)in.write("options/raw", "0");
      bool aligned = rs.ok() && raw.size() == events_.size();
      for (size_t i = 0; aligned && i < raw.size(); ++i)
        aligned = raw[i].pid == events_[i].pid && raw[i].cpu == events_[i].cpu &&
                  std::abs(raw[i].t_ns - events_[i].t_ns) <= 1000;  // the text rounds to microseconds
      if (aligned) {
        for (size_t i = 0; i < raw.size(); ++i) events_[i].t_ns = raw[i].t_ns;
        precision = "ns";
      } else {
        summary_["timestamp_note"] = "raw and text output did not line up (" + std::to_string(raw.size()) +
                                     " vs " + std::to_string(events_.size()) + " entries)";
      }
    }
    summary_["timestamp_precision"] = precision;
    return Ok{};
  }

  std::optional<TraceInstance> instance_;
  nlohmann::json summary_;
  std::set<std::string> devs_;
  std::vector<TraceEvent> events_;
  std::string file_;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Capture> make_trace_capture(const scenario::CaptureSpec& spec) {
  return std::make_unique<TraceCapture>(spec);
}

}  // namespace latlab::run
