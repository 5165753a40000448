#include "run/order.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace latlab::run {

std::vector<Slot> make_order(size_t experiments, uint32_t repeat, const std::string& order, uint64_t seed) {
  std::vector<Slot> out;
  if (order == "sequential") {
    for (size_t e = 0; e < experiments; ++e)
      for (uint32_t r = 0; r < repeat; ++r) out.push_back({e, r});
    return out;
  }
  std::mt19937_64 rng(seed);
  std::vector<size_t> idx(experiments);
  for (uint32_t r = 0; r < repeat; ++r) {
    std::iota(idx.begin(), idx.end(), 0);
    if (order == "shuffled") std::shuffle(idx.begin(), idx.end(), rng);
    for (size_t e : idx) out.push_back({e, r});
  }
  return out;
}

}  // namespace latlab::run
