// Entry points of the modes, one source file each. Setup failures come back
// as an Error (main prints it); a finished run returns its exit code.
#pragma once

#include "core/json_writer.h"
#include "core/options.h"
#include "core/result.h"

namespace latlab::agent {

Result<ExitCode> run_icmp_probe(const AgentOptions& options, JsonLineWriter& out);
Result<ExitCode> run_udp_probe(const AgentOptions& options, JsonLineWriter& out);
Result<ExitCode> run_raw_probe(const AgentOptions& options, JsonLineWriter& out);
Result<ExitCode> run_udp_reflector(const AgentOptions& options, JsonLineWriter& out);
Result<ExitCode> run_raw_responder(const AgentOptions& options, JsonLineWriter& out);
// Does nothing until SIGTERM or SIGINT, then exits 0: a container's PID 1
// (`/latlab-agent hold`), into which latlab execs the real work.
Result<ExitCode> run_hold(const AgentOptions& options, JsonLineWriter& out);

}  // namespace latlab::agent
