// SIGINT/SIGTERM during `latlab run`: the first asks the run to stop agents
// and captures and tear down; the second skips straight to teardown.
#pragma once

#include <atomic>

namespace latlab::run {

struct Interrupts {
  std::atomic<int> count{0};
  std::atomic<bool> cancel{false};  // what the topology engine polls
  std::atomic<int> last_signal{0};
};

Interrupts& interrupts();
// Installs the handlers (and ignores SIGPIPE). Idempotent.
void install_interrupt_handlers();

}  // namespace latlab::run
