// SIGINT/SIGTERM end a run cleanly: they are blocked except while the agent
// waits in ppoll(), so a signal can only interrupt the wait, and the loop
// then writes its summary.
#pragma once

#include <signal.h>

namespace latlab::agent {

// Installs the handlers and blocks the signals; returns the mask to pass to ppoll.
sigset_t install_stop_signals();
bool stop_requested();

}  // namespace latlab::agent
