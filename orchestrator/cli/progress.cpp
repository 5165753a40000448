#include "cli/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace latlab::cli {

std::string fmt_ns(std::optional<double> ns) {
  if (!ns) return "-";
  double v = *ns;
  if (v < 1e3) return fmt::format("{:.0f} ns", v);
  if (v < 1e6) return fmt::format("{:.1f} us", v / 1e3);
  if (v < 1e9) return fmt::format("{:.2f} ms", v / 1e6);
  return fmt::format("{:.2f} s", v / 1e9);
}

void ProgressPrinter::operator()(const run::ProgressEvent& ev) {
  using K = run::ProgressEvent::Kind;
  switch (ev.kind) {
    case K::lab_up:
    case K::teardown:
    case K::note:
      clear_line();
      std::fprintf(stderr, "latlab: %s\n", ev.text.c_str());
      break;
    case K::experiment_start:
      if (!tty_)
        std::fprintf(stderr, "latlab: [%zu/%zu] %s (repetition %u): running\n", ev.position, ev.total,
                     ev.experiment.c_str(), ev.repetition);
      else
        bar(ev);
      break;
    case K::samples:
      if (tty_) bar(ev);
      break;
    case K::experiment_end: {
      clear_line();
      double loss = ev.done ? 100.0 * static_cast<double>(ev.lost) / static_cast<double>(ev.done) : 0.0;
      std::fprintf(stderr, "latlab: [%zu/%zu] %s (repetition %u): %llu samples, loss %.1f%%, p50 %s%s%s\n",
                   ev.position, ev.total, ev.experiment.c_str(), ev.repetition,
                   static_cast<unsigned long long>(ev.done), loss, fmt_ns(ev.p50_ns).c_str(),
                   ev.text.empty() ? "" : ", ", ev.text.c_str());
      break;
    }
  }
  std::fflush(stderr);
}

void ProgressPrinter::bar(const run::ProgressEvent& ev) {
  const int width = 24;
  int filled = ev.expected
                   ? static_cast<int>(width * std::min<double>(1.0, static_cast<double>(ev.done) /
                                                                        static_cast<double>(ev.expected)))
                   : 0;
  std::string b(static_cast<size_t>(filled), '#');
  b.resize(width, '.');
  double loss = ev.done ? 100.0 * static_cast<double>(ev.lost) / static_cast<double>(ev.done) : 0.0;
  std::fprintf(stderr, "\r[%zu/%zu] %-20.20s r%u [%s] %llu/%llu loss %.1f%% p50 %s\033[K", ev.position,
               ev.total, ev.experiment.c_str(), ev.repetition, b.c_str(),
               static_cast<unsigned long long>(ev.done), static_cast<unsigned long long>(ev.expected), loss,
               fmt_ns(ev.p50_ns).c_str());
  on_line_ = true;
}
void ProgressPrinter::clear_line() {
  if (tty_ && on_line_) std::fprintf(stderr, "\r\033[K");
  on_line_ = false;
}

}  // namespace latlab::cli
