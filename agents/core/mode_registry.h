// The one list of modes and what runs them.
#pragma once

#include "core/json_writer.h"
#include "core/options.h"
#include "core/result.h"

namespace latlab::agent {

using ModeRunner = Result<ExitCode> (*)(const AgentOptions&, JsonLineWriter&);

struct ModeEntry {
  Mode mode;
  ModeRunner run;
};

// nullptr for Mode::version (handled by main).
ModeRunner find_mode_runner(Mode mode);

}  // namespace latlab::agent
