// Running a child to its end: its whole stdout, its exit code and its stderr,
// within one deadline. For short commands whose output fits in memory (a
// remote `true`, `ssh -O check`, a tool's version); streaming readers use
// Child::read_line themselves.
#pragma once

#include <chrono>
#include <string>

#include "process/process.h"

namespace latlab::process {

struct Finished {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;     // every stdout line with its newline (a last line without one gets one)
  std::string err;     // stderr as Child::stderr_text has it
};

// Reads child's stdout (spawned with capture_stdout) to EOF and waits for its
// exit, both within timeout. When the time is up the child is killed
// (SIGKILL to its process group) and the error says "did not finish within
// N ms"; the caller names the command.
Result<Finished> finish(Child& child, std::chrono::milliseconds timeout);

}  // namespace latlab::process
