#include "core/report.h"

#include <sched.h>
#include <unistd.h>

#include "core/duration.h"
#include "core/version.h"

namespace latlab::agent {

void write_clock(JsonLineWriter& w, std::string_view key, const ClockOffset& clock) {
  w.key(key).begin_object();
  w.field("sample_clock", "CLOCK_MONOTONIC");
  w.field_i64("realtime_minus_monotonic_ns", clock.realtime_minus_monotonic_ns);
  w.field_i64("offset_uncertainty_ns", clock.uncertainty_ns);
  w.field("kernel_stamps", "CLOCK_REALTIME, mapped: monotonic = realtime - realtime_minus_monotonic_ns (header value)");
  w.end_object();
}

namespace {

void write_spec(JsonLineWriter& w, const AgentOptions& o) {
  w.key("spec").begin_object();
  if (!o.netns_path.empty()) w.field("netns", o.netns_path);
  if (o.netns_pid != 0) w.field_i64("netns_pid", o.netns_pid);
  if (is_probe(o.mode)) {
    w.field("target", format_ip(o.target));
    w.field_u64("count", o.count);
    w.field("duration", format_duration(o.duration_ns));
    w.field("interval", format_duration(o.interval_ns));
    w.field_u64("payload", o.payload);
    w.field_u64("warmup", o.warmup);
    w.field("timeout", format_duration(o.timeout_ns));
    w.field_bool("samples", o.samples);
    w.field("spin", format_duration(o.spin_ns));
  } else {
    w.field_u64("count", o.count_set ? o.count : 0);
    w.field("duration", format_duration(o.duration_ns));
    w.field_u64("drop_every", o.drop_every);
    if (o.address_set) w.field("address", format_ip(o.address));
    if (o.mode == Mode::udp_reflector) w.field("spin", format_duration(o.spin_ns));
    w.field("delay", format_duration(o.delay_ns));
  }
  if (o.mode == Mode::udp || o.mode == Mode::udp_reflector) w.field_u64("port", o.port);
  if (o.mode == Mode::raw || o.mode == Mode::raw_responder) {
    w.field("ifname", o.ifname);
    w.field("qdisc_bypass", o.qdisc_bypass ? "on" : "off");
    if (o.fanout_group >= 0) w.field_i64("fanout", o.fanout_group);
    else w.key("fanout").null();
    w.field_u64("ring_blocks", o.ring_blocks);
    w.field_u64("ring_block_size", o.ring_block_size);
    w.field_u64("ring_block_timeout_ms", o.ring_block_timeout_ms);
  }
  if (o.cpu >= 0) w.field_i64("cpu", o.cpu);
  if (o.busy_poll_us >= 0) w.field_i64("busy_poll", o.busy_poll_us);
  if (o.priority >= 0) w.field_i64("priority", o.priority);
  if (o.rt_priority > 0) w.field_i64("rt", o.rt_priority);
  w.end_object();
}

}  // namespace

void write_header(JsonLineWriter& w, const AgentOptions& options, const ClockOffset& clock,
                  const SocketReport& socket) {
  w.begin_object();
  w.field("type", "header");
  w.field("agent_version", kAgentVersion);
  w.field("mode", mode_name(options.mode));
  if (is_probe(options.mode)) {
    w.field("target", format_ip(options.target));
    w.field_i64("family", options.target.family);
  } else {
    if (options.address_set) w.field("address", format_ip(options.address));
    else w.key("address").null();
  }
  w.field_i64("pid", ::getpid());
  w.field_i64("cpu", options.cpu >= 0 ? options.cpu : ::sched_getcpu());
  w.field_bool("cpu_pinned", options.cpu >= 0);
  write_clock(w, "clock", clock);
  w.key("socket").begin_object();
  socket.write_members(w);
  w.end_object();
  write_spec(w, options);
  w.end_object();
  w.end_line();
}

void write_sample(JsonLineWriter& w, const Sample& s) {
  w.begin_object();
  w.field("type", "sample");
  w.field_u64("seq", s.seq);
  w.field_bool("warmup", s.warmup);
  w.field("status", sample_status_name(s.status));
  w.field_time("t_send_user_ns", s.t_send_user_ns);
  w.field_time("t_send_kernel_ns", s.t_send_kernel_ns);
  w.field_time("t_recv_kernel_ns", s.t_recv_kernel_ns);
  w.field_time("t_recv_user_ns", s.t_recv_user_ns);
  w.field_time("rtt_user_ns", s.rtt_user_ns());
  w.field_time("rtt_kernel_ns", s.rtt_kernel_ns());
  w.field_time("peer_proc_ns", s.peer_proc_ns);
  w.field_u64("bytes", s.bytes);
  if (s.ttl >= 0) w.field_i64("ttl", s.ttl);
  else w.key("ttl").null();
  w.end_object();
  w.end_line();
}

namespace {

void write_rtt(JsonLineWriter& w, std::string_view key, const RttStats& r) {
  w.key(key).begin_object();
  w.field_u64("count", r.count);
  w.field_time("min", r.min);
  w.field_time("mean", r.mean());
  w.field_time("max", r.max);
  w.end_object();
}

}  // namespace

void write_probe_summary(JsonLineWriter& w, const ProbeSummary& s) {
  const Accounting& a = *s.accounting;
  w.begin_object();
  w.field("type", "summary");
  w.field_u64("sent", a.sent);
  w.field_u64("received", a.received);
  w.field_u64("lost", a.lost);
  w.field_u64("late", a.late);
  w.field_u64("duplicates", a.duplicates);
  w.field_u64("reordered", a.reordered);
  w.field_u64("foreign", a.foreign);
  w.field_u64("stale", a.stale);
  w.field_u64("warmup", a.warmup);
  w.field_u64("send_errors", s.send_errors);
  w.field_u64("tx_stamps_missing", s.tx_stamps_missing);
  w.key("timer_error_ns").begin_object();
  w.field_u64("count", s.timer.count);
  if (s.timer.count > 0) {
    w.field_i64("mean", static_cast<std::int64_t>(s.timer.sum / static_cast<long double>(s.timer.count)));
    w.field_i64("max", s.timer.max);
  } else {
    w.key("mean").null();
    w.key("max").null();
  }
  w.end_object();
  write_rtt(w, "rtt_user_ns", *s.rtt_user);
  write_rtt(w, "rtt_kernel_ns", *s.rtt_kernel);
  write_clock(w, "clock_end", s.clock_end);
  w.field_i64("elapsed_ns", s.elapsed_ns);
  w.field_bool("interrupted", s.interrupted);
  w.end_object();
  w.end_line();
}

void write_responder_summary(JsonLineWriter& w, const ResponderSummary& s) {
  w.begin_object();
  w.field("type", "summary");
  w.field_u64("served", s.served);
  w.field_u64("dropped", s.dropped);
  w.field_u64("foreign", s.foreign);
  w.field_u64("arp_replies", s.arp_replies);
  w.field_u64("peer_proc_max_ns", s.peer_proc_max_ns);
  write_clock(w, "clock_end", s.clock_end);
  w.field_i64("elapsed_ns", s.elapsed_ns);
  w.field_bool("interrupted", s.interrupted);
  w.end_object();
  w.end_line();
}

void write_error(JsonLineWriter& w, std::string_view message) {
  w.begin_object();
  w.field("type", "error");
  w.field("message", message);
  w.end_object();
  w.end_line();
}

}  // namespace latlab::agent
