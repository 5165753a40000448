#include "run/signals.h"

#include <signal.h>

namespace latlab::run {

Interrupts& interrupts() {
  static Interrupts i;
  return i;
}

namespace {
void on_signal(int sig) {
  auto& i = interrupts();
  i.last_signal.store(sig);
  i.cancel.store(true);
  i.count.fetch_add(1);
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace latlab::run
