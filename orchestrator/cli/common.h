// Helpers shared by subcommands.
#pragma once

#include <string>

#include "scenario/load.h"

namespace latlab::cli {

// Loads and validates a scenario; on errors prints every diagnostic to stderr
// (one line each) and throws FatalError with ExitCode::bad_input.
scenario::LoadResult load_lab_or_throw(const std::string& path);

// True when stdout is a terminal (progress, colours).
bool stdout_is_tty();

}  // namespace latlab::cli
