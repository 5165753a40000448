// Exact accounting of requests with constant memory: a fixed ring of
// outstanding requests indexed by sequence number (seq & mask).
//
// Every request sent ends as exactly one of received (reply before its
// deadline) or lost (deadline passed): sent = received + lost, always.
// A reply that arrives after its deadline is reported as a "late" sample and
// counted in `late`; the request stays counted in `lost` (late is a subset of
// lost). A second reply to a request is a duplicate; a reply older than the
// newest reply already received is counted as reordered (it is still received).
// A reply to a request so old that its slot was reused is `stale`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/sample.h"

namespace latlab::agent {

struct Accounting {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::uint64_t late = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t foreign = 0;
  std::uint64_t stale = 0;
  std::uint64_t warmup = 0;  // requests flagged warm-up (included in the counts above)
};

struct RttStats {
  std::uint64_t count = 0;
  std::int64_t min = kNoTime;
  std::int64_t max = kNoTime;
  long double sum = 0;

  void add(std::int64_t value);
  [[nodiscard]] std::int64_t mean() const {
    return count == 0 ? kNoTime : static_cast<std::int64_t>(sum / static_cast<long double>(count));
  }
};

enum class ReplyOutcome : std::uint8_t { received, late, duplicate, stale };

class RequestTracker {
 public:
  // `capacity` is rounded up to a power of two.
  explicit RequestTracker(std::size_t capacity);

  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }
  [[nodiscard]] std::uint64_t next_seq() const { return next_seq_; }
  [[nodiscard]] std::uint64_t outstanding() const { return outstanding_; }
  // False when the oldest unresolved request still holds the slot the next one needs.
  [[nodiscard]] bool can_send() {
    advance_oldest();
    return next_seq_ - oldest_ < slots_.size();
  }

  // Registers request next_seq(); returns its seq.
  std::uint64_t on_sent(bool warmup, std::int64_t t_send_user_ns, std::int64_t deadline_ns, std::uint32_t bytes);
  void on_tx_stamp(std::uint64_t seq, std::int64_t t_send_kernel_ns);
  // Resolves a reply; `out` gets the sample to report for received and late.
  // The RTT statistics take it when complete() is called.
  ReplyOutcome on_reply(std::uint64_t seq, std::int64_t t_recv_kernel_ns, std::int64_t t_recv_user_ns,
                        std::int64_t peer_proc_ns, int ttl, Sample& out);
  void on_foreign() { ++acc_.foreign; }
  // Adds a sample that on_reply() returned as received (not warm-up) to the
  // RTT statistics; call it once the sample's TX stamp is in (or known to be
  // missing). Late and warm-up samples are ignored.
  void complete(const Sample& sample);

  // Earliest deadline of an outstanding request, or kNoTime.
  [[nodiscard]] std::int64_t next_deadline();
  // Marks every outstanding request with deadline <= now lost; sink(const Sample&) for each.
  template <typename Sink>
  void expire(std::int64_t now, Sink&& sink) {
    while (oldest_ < next_seq_) {
      Slot& s = slot(oldest_);
      if (s.state == State::outstanding) {
        if (s.deadline > now) break;
        s.state = State::lost;
        s.sample.status = SampleStatus::lost;
        --outstanding_;
        ++acc_.lost;
        sink(static_cast<const Sample&>(s.sample));
      }
      ++oldest_;
    }
  }

  [[nodiscard]] const Accounting& accounting() const { return acc_; }
  [[nodiscard]] const RttStats& rtt_user() const { return rtt_user_; }
  [[nodiscard]] const RttStats& rtt_kernel() const { return rtt_kernel_; }

 private:
  enum class State : std::uint8_t { free, outstanding, received, lost, late };
  struct Slot {
    State state = State::free;
    std::int64_t deadline = 0;
    Sample sample;
  };
  Slot& slot(std::uint64_t seq) { return slots_[seq & mask_]; }
  void advance_oldest() {
    while (oldest_ < next_seq_ && slot(oldest_).state != State::outstanding) ++oldest_;
  }

  std::vector<Slot> slots_;
  std::uint64_t mask_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t oldest_ = 0;  // all requests below are resolved
  std::uint64_t outstanding_ = 0;
  std::uint64_t highest_received_ = 0;
  bool any_received_ = false;
  Accounting acc_;
  RttStats rtt_user_;
  RttStats rtt_kernel_;
};

}  // namespace latlab::agent
