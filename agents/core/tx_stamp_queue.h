// TX stamps of one probe socket: which request each SOF_TIMESTAMPING_OPT_ID
// key belongs to, and reading the stamps off the error queue in batches.
#pragma once

#include <array>
#include <cstdint>

#include "core/probe_transport.h"
#include "core/timestamping.h"

namespace latlab::agent {

// Maps OPT_ID keys (count of successful sends) back to seqs.
class TxKeyMap {
 public:
  void on_sent(std::uint64_t seq) { seqs_[next_key_++ & (seqs_.size() - 1)] = seq; }
  [[nodiscard]] bool lookup(std::uint32_t key, std::uint64_t& seq) const {
    // Keys are 32-bit; compare against the low bits of the send counter.
    const std::uint32_t newest = static_cast<std::uint32_t>(next_key_);
    if (static_cast<std::uint32_t>(newest - key) > seqs_.size() || newest == key) return false;
    seq = seqs_[key & (seqs_.size() - 1)];
    return true;
  }

 private:
  std::array<std::uint64_t, 4096> seqs_{};
  std::uint64_t next_key_ = 0;
};

class TxStampQueue {
 public:
  // Call after each successful send, in send order.
  void on_sent(std::uint64_t seq) { keys_.on_sent(seq); }
  // Reads every TX stamp queued on `fd` (one recvmmsg per TxStampReader::kBatch)
  // and hands those of our requests to `sink`.
  void drain(int fd, ProbeSink& sink);

 private:
  TxKeyMap keys_;
  TxStampReader reader_;
};

}  // namespace latlab::agent
