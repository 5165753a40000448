#include "core/clock.h"

#include <gtest/gtest.h>

namespace latlab::agent {
namespace {

// The spin behind --delay: a lower bound, whatever else the machine does.
TEST(Clock, SpinForWaitsAtLeastThatLong) {
  const std::int64_t start = monotonic_ns();
  spin_for_ns(200'000);
  EXPECT_GE(monotonic_ns() - start, 200'000);
}

}  // namespace
}  // namespace latlab::agent
