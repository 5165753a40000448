// hold: a container's PID 1. The kernel delivers no signal to a namespace's
// init whose action is the default one, so SIGTERM and SIGINT get real
// handlers (core/signals); orphans of the processes latlab execs into the
// container are re-parented here, and SIGCHLD ignored with SA_NOCLDWAIT lets
// the kernel reap them.
#include <signal.h>

#include "core/probe_modes.h"
#include "core/signals.h"

namespace latlab::agent {

Result<ExitCode> run_hold(const AgentOptions&, JsonLineWriter&) {
  struct sigaction reap {};
  reap.sa_handler = SIG_IGN;
  reap.sa_flags = SA_NOCLDWAIT;
  sigemptyset(&reap.sa_mask);
  sigaction(SIGCHLD, &reap, nullptr);
  const sigset_t wait_mask = install_stop_signals();  // SIGINT and SIGTERM blocked but here
  while (!stop_requested()) sigsuspend(&wait_mask);
  return ExitCode::ok;
}

}  // namespace latlab::agent
