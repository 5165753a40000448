// The order a run executes experiments in, recorded with the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace latlab::run {

struct Slot {
  size_t experiment = 0;  // index into Lab::experiments
  uint32_t repetition = 0;
};

// "shuffled": every round runs each experiment once, in a fresh random order
// (seeded); "interleaved": rounds in declaration order; "sequential": all
// repetitions of one experiment before the next.
std::vector<Slot> make_order(size_t experiments, uint32_t repeat, const std::string& order, uint64_t seed);

}  // namespace latlab::run
