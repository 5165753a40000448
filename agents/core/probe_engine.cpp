#include "core/probe_engine.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>

#include "core/pending_samples.h"
#include "core/report.h"
#include "core/request_tracker.h"
#include "core/signals.h"

namespace latlab::agent {

namespace {

static_assert(kTxStampBatch < TxStampReader::kBatch, "one read takes a whole batch");
static_assert(kTxStampBatch < PendingSamples::kCapacity, "the batch is read before the holding area fills");

std::size_t tracker_capacity(const AgentOptions& o) {
  if (o.interval_ns == 0) return 64;
  const std::int64_t in_flight = o.timeout_ns / o.interval_ns + 1;
  std::int64_t capacity = 2 * in_flight + 64;
  if (capacity > (1 << 20)) capacity = 1 << 20;
  return static_cast<std::size_t>(capacity);
}

class Engine final : public ProbeSink {
 public:
  Engine(const AgentOptions& o, ProbeTransport& t, JsonLineWriter& out, const ClockOffset& clock,
         const sigset_t& wait_mask)
      : o_(o), t_(t), out_(out), clock_(clock), wait_mask_(wait_mask), tracker_(tracker_capacity(o)) {}

  void tx_stamp(std::uint64_t seq, std::int64_t realtime_ns) override {
    const std::int64_t t = realtime_ns - clock_.realtime_minus_monotonic_ns;
    if (!pending_.set_tx_stamp(seq, t)) tracker_.on_tx_stamp(seq, t);
  }
  void reply(const ReplyEvent& e) override {
    // Requests whose deadline passed before this reply arrived are lost now,
    // however late the loop noticed: a reply after the deadline is late.
    expire_due(e.t_recv_user_ns);
    Sample sample;
    const std::int64_t kernel = e.t_recv_kernel_realtime_ns == kNoTime
                                    ? kNoTime
                                    : e.t_recv_kernel_realtime_ns - clock_.realtime_minus_monotonic_ns;
    const ReplyOutcome outcome = tracker_.on_reply(e.seq, kernel, e.t_recv_user_ns, e.peer_proc_ns, e.ttl, sample);
    if (outcome != ReplyOutcome::received && outcome != ReplyOutcome::late) return;
    ++answered_;
    if (sample.t_send_kernel_ns != kNoTime || !t_.tx_stamps()) {
      complete(sample);
      return;
    }
    // Its TX stamp is on the error queue: read it with the next batch
    // (after the next send, or now if many replies came without one).
    pending_.add(sample);
    if (pending_.full()) settle();
  }
  void foreign() override { tracker_.on_foreign(); }
  [[nodiscard]] std::uint64_t next_seq() const override { return tracker_.next_seq(); }

  ExitCode run() {
    const std::uint64_t total = o_.count == 0 ? UINT64_MAX : o_.warmup + o_.count;
    const std::int64_t start = monotonic_ns();
    const std::int64_t send_until = o_.duration_ns > 0 ? start + o_.duration_ns : INT64_MAX;
    const bool back_to_back = o_.interval_ns == 0;
    std::int64_t next_send = start;
    std::uint64_t sends = 0;
    bool interrupted = false;
    pollfd pfd{t_.fd(), POLLIN, 0};

    while (true) {
      if (!interrupted && stop_requested()) {
        interrupted = true;
        expire_due(INT64_MAX);  // outstanding requests get no further wait: they are lost now
      }
      std::int64_t now = monotonic_ns();
      expire_due(now);
      const bool more = !interrupted && sends < total && next_send < send_until;
      if (more && now >= next_send && (!back_to_back || tracker_.outstanding() == 0) && tracker_.can_send()) {
        const std::uint64_t seq = tracker_.next_seq();
        std::int64_t t_send = 0;
        const int err = t_.send_request(seq, t_send);
        if (!back_to_back) timer_.add(t_send - next_send);
        tracker_.on_sent(seq < o_.warmup, t_send, t_send + o_.timeout_ns, t_.request_bytes());
        if (err != 0) ++send_errors_;
        ++sends;
        // Paths through the local stack (loopback, veth, kernel responders)
        // often have the reply queued before send() returns: look once before
        // sleeping, as long as that keeps paying off (re-tried every 64 sends).
        if (err == 0 && (optimistic_hits_ || (sends & 63) == 0)) {
          const std::uint64_t before = answered_;
          t_.handle_input(POLLIN, *this);
          optimistic_hits_ = answered_ != before;
        }
        next_send = back_to_back ? t_send : next_send + o_.interval_ns;
        // Read a batch of TX stamps now, while this request is on its way:
        // back to back the wait for its reply is idle time anyway. Counting
        // sends bounds what waits on the error queue (it shares the receive
        // buffer with the replies) when no replies come to fill a batch.
        ++sends_since_settle_;
        if (t_.tx_stamps() && (pending_.size() >= kTxStampBatch || sends_since_settle_ >= kTxStampBatch)) settle();
        continue;
      }
      if (!more && tracker_.outstanding() == 0) break;

      std::int64_t wake = tracker_.next_deadline();
      if (more && (!back_to_back || tracker_.outstanding() == 0)) {
        const std::int64_t send_at = tracker_.can_send() ? next_send : wake;
        if (wake == kNoTime || send_at < wake) wake = send_at;
      }
      std::int64_t wait_ns = wake == kNoTime ? 100'000'000 : wake - now;
      if (wait_ns < 0) wait_ns = 0;
      if (back_to_back && !interrupted && tracker_.outstanding() == 1) {
        // Waiting for the one reply: busy-poll through the first --spin of
        // the wait, then block in recvmsg itself (one system call, not two).
        if (out_.buffered_size() >= 32 * 1024) flush_output();
        if (o_.spin_ns > 0 && (spin(now + std::min(wait_ns, o_.spin_ns), true) || stop_requested())) continue;
        if (t_.blocking_receive(*this, wait_ns)) continue;
      }
      if (wait_ns >= 1'000'000 || out_.buffered_size() >= 32 * 1024) flush_output();
      if (o_.spin_ns > 0 && !back_to_back) {
        if (wait_ns <= o_.spin_ns) {
          // Busy-poll to the deadline (as iputils ping does between sends):
          // the CPU stays awake, so neither the send nor the reply pays for a
          // wake-up from idle.
          spin(wake, false);
          continue;
        }
        wait_ns -= o_.spin_ns;  // sleep until the spin window starts
      }
      timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000), static_cast<long>(wait_ns % 1'000'000'000)};
      pfd.revents = 0;
      const int n = ::ppoll(&pfd, 1, &ts, &wait_mask_);
      if (n < 0 && errno != EINTR) {
        std::fprintf(stderr, "latlab-agent: warning: ppoll: %s\n", errno_text(errno).c_str());
      }
      if (n > 0) t_.handle_input(pfd.revents, *this);
    }
    settle();

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
  // Reports a sample whose TX stamp is in or will not come.
  void complete(const Sample& sample) {
    tracker_.complete(sample);
    if (sample.t_send_kernel_ns == kNoTime && t_.tx_stamps()) ++tx_stamps_missing_;
    if (o_.samples) write_sample(out_, sample);
  }
  // Reads the error queue and reports the samples that waited for it.
  void settle() {
    sends_since_settle_ = 0;
    t_.drain_tx_stamps(*this);
    pending_.release([this](const Sample& s) { complete(s); });
  }
  void flush_output() {
    if (!pending_.empty()) settle();
    out_.flush();
  }
  // Marks requests whose deadline is at or before `now` lost, with their TX
  // stamps when the kernel gave one, after the answered samples before them.
  void expire_due(std::int64_t now) {
    const std::int64_t due = tracker_.next_deadline();
    if (due == kNoTime || due > now) return;
    settle();
    tracker_.expire(now, [this](const Sample& s) {
      if (o_.samples) write_sample(out_, s);
    });
  }
  // Busy-polls with non-blocking reads until `until`, a stop signal, or (with
  // stop_at_reply) the next reply. Returns whether a reply came. In paced
  // mode the stop signals are blocked outside ppoll, so they are let through
  // while spinning.
  bool spin(std::int64_t until, bool stop_at_reply) {
    const std::uint64_t before = answered_;
    const bool paced = o_.interval_ns > 0;
    sigset_t blocked;
    if (paced) sigprocmask(SIG_SETMASK, &wait_mask_, &blocked);
    while (!stop_requested() && monotonic_ns() < until) {
      t_.handle_input(POLLIN, *this);
      if (stop_at_reply && answered_ != before) break;
    }
    if (paced) sigprocmask(SIG_SETMASK, &blocked, nullptr);
    return answered_ != before;
  }

  const AgentOptions& o_;
  ProbeTransport& t_;
  JsonLineWriter& out_;
  ClockOffset clock_;
  const sigset_t& wait_mask_;
  RequestTracker tracker_;
  PendingSamples pending_;
  TimerStats timer_;
  std::uint64_t answered_ = 0;  // received + late replies so far
  std::size_t sends_since_settle_ = 0;
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
  Engine engine(options, transport, out, clock, wait_mask);
  const ExitCode code = engine.run();
  out.flush();
  return code;
}

}  // namespace latlab::agent
