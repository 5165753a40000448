// Folds `perf script` output into FlameGraph stacks, the way
// brendangregg/FlameGraph stackcollapse-perf.pl --kernel does:
//   comm;root;...;leaf  weight
// - one sample = a header line (comm pid/tid [period] ...) then one frame per
//   line, leaf first, then an empty line;
// - weighted by the sample's period when perf printed one, else by 1;
// - "[unknown]" frames become "[module]" (basename of the dso) when the dso is
//   known, else "[unknown]";
// - frames of the kernel (dso "[kernel.kallsyms]", "[module]" or *vmlinux)
//   get the suffix "_[k]";
// - function names are tidied like the script's $tidy_generic: ';' -> ':',
//   "+0x.." offsets and everything from the first '(' dropped, quotes removed;
// - identical stacks are summed.
// Pure: feed it lines; no files, no processes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace latlab::run {

struct FoldedStack {
  std::string stack;
  int64_t weight = 0;
};

class PerfFolder {
 public:
  // One line of `perf script` output, without the trailing newline.
  void feed_line(std::string_view line);
  // Ends the last sample when the output did not end with an empty line.
  void finish();

  // Stacks sorted by name (as the script prints them).
  std::vector<FoldedStack> stacks() const;
  size_t unique_stacks() const { return collapsed_.size(); }
  int64_t samples() const { return samples_; }
  int64_t total_weight() const { return total_weight_; }
  // Events perf reported lost (PERF_RECORD_LOST / LOST_SAMPLES lines of
  // `perf script --show-lost-events`).
  int64_t lost() const { return lost_; }
  // Samples that had no period field (weighted by 1).
  int64_t samples_without_period() const { return no_period_; }
  // Lines neither header, frame nor blank (counted, not fatal).
  int64_t unrecognized_lines() const { return unrecognized_; }

 private:
  void end_sample();

  std::map<std::string, int64_t> collapsed_;
  bool in_sample_ = false;
  std::string comm_;
  int64_t period_ = 0;
  bool has_period_ = false;
  std::vector<std::string> frames_;  // leaf first, as perf prints them
  int64_t samples_ = 0;
  int64_t total_weight_ = 0;
  int64_t lost_ = 0;
  int64_t no_period_ = 0;
  int64_t unrecognized_ = 0;
};

// One frame line ("  ffffffff81e8bdac skb_push ([kernel.kallsyms])") as the
// folded name, or "" when the line is not a frame.
std::string fold_frame(std::string_view line);

}  // namespace latlab::run
