// Answered samples waiting for their TX stamps. The kernel queues a TX stamp
// on the socket's error queue before the reply arrives, but reading it costs a
// system call of its own; the probe engine holds answered samples here and
// reads the error queue once per batch, then reports them in reply order.
// Fixed capacity (the engine settles long before it is reached): nothing
// grows with the count.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/sample.h"
#include "core/timestamping.h"

namespace latlab::agent {

class PendingSamples {
 public:
  static constexpr std::size_t kCapacity = 64;

  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] bool full() const { return size_ == kCapacity; }
  [[nodiscard]] std::size_t size() const { return size_; }

  // Precondition: !full().
  void add(const Sample& sample) { samples_[size_++] = sample; }

  // Sets the TX stamp of the held sample `seq`; false if it is not held.
  bool set_tx_stamp(std::uint64_t seq, std::int64_t t_send_kernel_ns) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (samples_[i].seq == seq) {
        samples_[i].t_send_kernel_ns = t_send_kernel_ns;
        return true;
      }
    }
    return false;
  }

  // f(const Sample&) for each held sample in the order added, then empties.
  template <typename F>
  void release(F&& f) {
    for (std::size_t i = 0; i < size_; ++i) f(static_cast<const Sample&>(samples_[i]));
    size_ = 0;
  }

 private:
  std::array<Sample, kCapacity> samples_{};
  std::size_t size_ = 0;
};

}  // namespace latlab::agent
