#include "core/request_tracker.h"

namespace latlab::agent {

void RttStats::add(std::int64_t value) {
  if (value == kNoTime) return;
  if (count == 0 || value < min) min = value;
  if (count == 0 || value > max) max = value;
  sum += static_cast<long double>(value);
  ++count;
}

RequestTracker::RequestTracker(std::size_t capacity) {
  std::size_t size = 1;
  while (size < capacity) size <<= 1;
  slots_.resize(size);
  mask_ = size - 1;
}

std::uint64_t RequestTracker::on_sent(bool warmup, std::int64_t t_send_user_ns, std::int64_t deadline_ns,
                                      std::uint32_t bytes) {
  const std::uint64_t seq = next_seq_++;
  Slot& s = slot(seq);
  s.state = State::outstanding;
  s.deadline = deadline_ns;
  s.sample = Sample{};
  s.sample.seq = seq;
  s.sample.warmup = warmup;
  s.sample.t_send_user_ns = t_send_user_ns;
  s.sample.bytes = bytes;
  ++outstanding_;
  ++acc_.sent;
  if (warmup) ++acc_.warmup;
  return seq;
}

void RequestTracker::on_tx_stamp(std::uint64_t seq, std::int64_t t_send_kernel_ns) {
  if (seq >= next_seq_) return;
  Slot& s = slot(seq);
  if (s.sample.seq == seq && s.state != State::free) s.sample.t_send_kernel_ns = t_send_kernel_ns;
}

ReplyOutcome RequestTracker::on_reply(std::uint64_t seq, std::int64_t t_recv_kernel_ns, std::int64_t t_recv_user_ns,
                                      std::int64_t peer_proc_ns, int ttl, Sample& out) {
  Slot& s = slot(seq);
  if (seq >= next_seq_ || s.sample.seq != seq || s.state == State::free) {
    ++acc_.stale;
    return ReplyOutcome::stale;
  }
  switch (s.state) {
    case State::outstanding: {
      s.state = State::received;
      --outstanding_;
      ++acc_.received;
      if (any_received_ && seq < highest_received_) ++acc_.reordered;
      if (!any_received_ || seq > highest_received_) highest_received_ = seq;
      any_received_ = true;
      s.sample.status = SampleStatus::ok;
      s.sample.t_recv_kernel_ns = t_recv_kernel_ns;
      s.sample.t_recv_user_ns = t_recv_user_ns;
      s.sample.peer_proc_ns = peer_proc_ns;
      s.sample.ttl = ttl;
      out = s.sample;
      return ReplyOutcome::received;
    }
    case State::lost:
      s.state = State::late;
      ++acc_.late;
      s.sample.status = SampleStatus::late;
      s.sample.t_recv_kernel_ns = t_recv_kernel_ns;
      s.sample.t_recv_user_ns = t_recv_user_ns;
      s.sample.peer_proc_ns = peer_proc_ns;
      s.sample.ttl = ttl;
      out = s.sample;
      return ReplyOutcome::late;
    case State::received:
    case State::late:
    case State::free:
      break;
  }
  ++acc_.duplicates;
  return ReplyOutcome::duplicate;
}

void RequestTracker::complete(const Sample& sample) {
  if (sample.status != SampleStatus::ok || sample.warmup) return;
  rtt_user_.add(sample.rtt_user_ns());
  rtt_kernel_.add(sample.rtt_kernel_ns());
}

std::int64_t RequestTracker::next_deadline() {
  advance_oldest();
  return oldest_ < next_seq_ ? slot(oldest_).deadline : kNoTime;
}

}  // namespace latlab::agent
