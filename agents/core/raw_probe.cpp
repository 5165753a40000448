#include "core/probe_modes.h"
namespace latlab::agent {
Result<ExitCode> run_raw_probe(const AgentOptions&, JsonLineWriter&) { return failure_error("raw: not implemented"); }
Result<ExitCode> run_raw_responder(const AgentOptions&, JsonLineWriter&) { return failure_error("raw-responder: not implemented"); }
}
