// Commands run to completion on a remote host, and the host's SSH master.
// Every error names the host and, for SSH's own failures (exit 255), says so
// with SSH's last stderr line, e.g. `host "h1" (root@198.18.200.6:22): ssh
// failed (exit 255): ssh: connect to host 198.18.200.6 port 22: Connection
// refused`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "process/finish.h"
#include "remote/ssh_launcher.h"

namespace latlab::remote {

// Runs argv on the host and returns its stdout; a non-zero exit is an error
// with the command's last stderr line. After timeout the local ssh is killed.
Result<std::string> run_remote(SshLauncher& host, const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout);

// The error for a command that ran on the host and did not exit with 0:
// ssh's own failure (255) or the command's exit code, with the last stderr line.
Error remote_exit_error(const SshLauncher& host, const std::string& name, const process::Finished& done);

// Logs in and runs `true`: the host answers and takes our key.
Status check_connection(SshLauncher& host, std::chrono::milliseconds timeout);

// Whether the host's ControlMaster is up (`ssh -O check`).
Status check_master(SshLauncher& host, std::chrono::milliseconds timeout);

// Ends the host's ControlMaster (`ssh -O exit`), at the end of a run; no
// master (no socket) is not an error.
Status close_master(SshLauncher& host, std::chrono::milliseconds timeout);

}  // namespace latlab::remote
