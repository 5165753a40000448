#include "core/probe_engine.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "core/report.h"
#include "core/request_tracker.h"
#include "core/signals.h"

namespace latlab::agent {

namespace {

std::size_t tracker_capacity(const AgentOptions& o) {
  if (o.interval_ns == 0) return 64;
  const std::int64_t in_flight = o.timeout_ns / o.interval_ns + 1;
  std::int64_t capacity = 2 * in_flight + 64;
  if (capacity > (1 << 20)) capacity = 1 << 20;
  return static_cast<std::size_t>(capacity);
}

class Engine final : public ProbeSink {
 public:
  Engine(const AgentOptions& o, ProbeTransport& t, JsonLineWriter& out, const ClockOffset& clock)
      : o_(o), t_(t), out_(out), clock_(clock), tracker_(tracker_capacity(o)) {}

  void tx_stamp(std::uint64_t seq, std::int64_t realtime_ns) override {
    tracker_.on_tx_stamp(seq, realtime_ns - clock_.realtime_minus_monotonic_ns);
  }
  void reply(const ReplyEvent& e) override {
    // Requests whose deadline passed before this reply arrived are lost now,
    // however late the loop noticed: a reply after the deadline is late.
    tracker_.expire(e.t_recv_user_ns, [this](const Sample& s) {
      if (o_.samples) write_sample(out_, s);
    });
    Sample sample;
    const std::int64_t kernel = e.t_recv_kernel_realtime_ns == kNoTime
                                    ? kNoTime
                                    : e.t_recv_kernel_realtime_ns - clock_.realtime_minus_monotonic_ns;
    const ReplyOutcome outcome = tracker_.on_reply(e.seq, kernel, e.t_recv_user_ns, e.peer_proc_ns, e.ttl, sample);
    if (outcome == ReplyOutcome::received || outcome == ReplyOutcome::late) {
      if (sample.t_send_kernel_ns == kNoTime && t_.tx_stamps()) ++tx_stamps_missing_;
      if (o_.samples) write_sample(out_, sample);
    }
  }
  void foreign() override { tracker_.on_foreign(); }
  [[nodiscard]] std::uint64_t next_seq() const override { return tracker_.next_seq(); }

  ExitCode run(const sigset_t& wait_mask) {
    const std::uint64_t total = o_.count == 0 ? UINT64_MAX : o_.warmup + o_.count;
    const std::int64_t start = monotonic_ns();
    const std::int64_t send_until = o_.duration_ns > 0 ? start + o_.duration_ns : INT64_MAX;
    std::int64_t next_send = start;
    std::uint64_t sends = 0;
    bool interrupted = false;
    pollfd pfd{t_.fd(), POLLIN, 0};

    while (true) {
      std::int64_t now = monotonic_ns();
      tracker_.expire(now, [this](const Sample& s) {
        if (o_.samples) write_sample(out_, s);
      });
      const bool more = !interrupted && sends < total && next_send < send_until;
      if (more && now >= next_send && (o_.interval_ns > 0 || tracker_.outstanding() == 0) && tracker_.can_send()) {
        const std::uint64_t seq = tracker_.next_seq();
        std::int64_t t_send = 0;
        const int err = t_.send_request(seq, t_send);
        if (o_.interval_ns > 0) timer_.add(t_send - next_send);
        tracker_.on_sent(seq < o_.warmup, t_send, t_send + o_.timeout_ns, t_.request_bytes());
        if (err != 0) ++send_errors_;
        ++sends;
        // Paths through the local stack (loopback, veth, kernel responders)
        // often have the reply queued before send() returns: look once before
        // sleeping, as long as that keeps paying off (re-tried every 64 sends).
        if (err == 0 && (optimistic_hits_ || (sends & 63) == 0)) {
          const std::uint64_t before = tracker_.accounting().received + tracker_.accounting().late;
          t_.handle_input(POLLIN, *this);
          optimistic_hits_ = tracker_.accounting().received + tracker_.accounting().late != before;
        }
        next_send = o_.interval_ns > 0 ? next_send + o_.interval_ns : t_send;
        continue;
      }
      if (!more && tracker_.outstanding() == 0) break;

      std::int64_t wake = tracker_.next_deadline();
      if (more && (o_.interval_ns > 0 || tracker_.outstanding() == 0)) {
        const std::int64_t send_at = tracker_.can_send() ? next_send : wake;
        if (wake == kNoTime || send_at < wake) wake = send_at;
      }
      std::int64_t wait_ns = wake == kNoTime ? 100'000'000 : wake - now;
      if (wait_ns < 0) wait_ns = 0;
      if (o_.interval_ns == 0 && o_.spin_ns == 0 && !interrupted && tracker_.outstanding() == 1) {
        if (out_.buffered_size() >= 32 * 1024) out_.flush();
        if (t_.blocking_receive(*this, wait_ns)) {
          if (stop_requested()) {
            interrupted = true;
            tracker_.expire(INT64_MAX, [this](const Sample& s) {
              if (o_.samples) write_sample(out_, s);
            });
          }
          continue;
        }
      }
      if (wait_ns >= 1'000'000 || out_.buffered_size() >= 32 * 1024) out_.flush();
      if (o_.spin_ns > 0) {
        if (wait_ns <= o_.spin_ns) {
          // Busy-poll to the deadline (as iputils ping does between sends):
          // the CPU stays awake, so neither the send nor the reply pays for a
          // wake-up from idle.
          while (monotonic_ns() < wake && !stop_requested()) t_.handle_input(POLLIN, *this);
          if (stop_requested() && !interrupted) {
            interrupted = true;
            tracker_.expire(INT64_MAX, [this](const Sample& s) {
              if (o_.samples) write_sample(out_, s);
            });
          }
          continue;
        }
        wait_ns -= o_.spin_ns;  // sleep until the spin window starts
      }
      timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000), static_cast<long>(wait_ns % 1'000'000'000)};
      pfd.revents = 0;
      const int n = ::ppoll(&pfd, 1, &ts, &wait_mask);
      if (n < 0 && errno != EINTR) {
        std::fprintf(stderr, "latlab-agent: warning: ppoll: %s\n", errno_text(errno).c_str());
      }
      if (stop_requested() && !interrupted) {
        interrupted = true;
        // Outstanding requests get no further wait: they are lost now.
        tracker_.expire(INT64_MAX, [this](const Sample& s) {
          if (o_.samples) write_sample(out_, s);
        });
      }
      if (n > 0) t_.handle_input(pfd.revents, *this);
    }

    ProbeSummary summary;
    summary.accounting = &tracker_.accounting();
    summary.rtt_user = &tracker_.rtt_user();
    summary.rtt_kernel = &tracker_.rtt_kernel();
    summary.timer = timer_;
    summary.tx_stamps_missing = tx_stamps_missing_;
    summary.send_errors = send_errors_;
    summary.clock_end = measure_clock_offset();
    summary.elapsed_ns = monotonic_ns() - start;
    summary.interrupted = interrupted;
    write_probe_summary(out_, summary);
    const Accounting& a = tracker_.accounting();
    if (interrupted) return static_cast<ExitCode>(130);
    if (a.sent > 0 && a.received == 0 && a.late == 0) {
      const std::string message = "target " + format_ip(o_.target) + " did not answer any of " +
                                  std::to_string(a.sent) + " requests";
      write_error(out_, message);
      out_.flush();
      std::fprintf(stderr, "latlab-agent: error: %s\n", message.c_str());
      return ExitCode::failure;
    }
    return ExitCode::ok;
  }

 private:
  const AgentOptions& o_;
  ProbeTransport& t_;
  JsonLineWriter& out_;
  ClockOffset clock_;
  RequestTracker tracker_;
  TimerStats timer_;
  std::uint64_t tx_stamps_missing_ = 0;
  std::uint64_t send_errors_ = 0;
  bool optimistic_hits_ = true;
};

}  // namespace

ExitCode run_probe(const AgentOptions& options, ProbeTransport& transport, const SocketReport& socket,
                   JsonLineWriter& out) {
  const sigset_t wait_mask = install_stop_signals();
  if (options.interval_ns == 0) {
    // recvmsg() blocks in back-to-back mode: let SIGINT/SIGTERM interrupt it
    // (EINTR; the handler does not restart system calls).
    sigprocmask(SIG_SETMASK, &wait_mask, nullptr);
  }
  const ClockOffset clock = measure_clock_offset();
  write_header(out, options, clock, socket);
  out.flush();
  Engine engine(options, transport, out, clock);
  const ExitCode code = engine.run(wait_mask);
  out.flush();
  return code;
}

}  // namespace latlab::agent
