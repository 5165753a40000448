// Progress of a run on stderr: one updating bar per experiment on a terminal,
// plain lines in a pipe. Shared by `run` and `nightly`.
#pragma once

#include <optional>
#include <string>

#include "run/runner.h"

namespace latlab::cli {

// "31.2 us", "-" when unset.
std::string fmt_ns(std::optional<double> ns);

class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool tty) : tty_(tty) {}
  void operator()(const run::ProgressEvent& ev);

 private:
  void bar(const run::ProgressEvent& ev);
  void clear_line();
  bool tty_;
  bool on_line_ = false;
};

}  // namespace latlab::cli
