// Exit codes latlab documents (README "Exit codes").
#pragma once

namespace latlab {

enum class ExitCode : int {
  ok = 0,
  failure = 1,      // a run or regression failed, an operation failed
  bad_input = 2,    // usage error or invalid scenario
  environment = 3,  // missing privilege, tool, kernel feature
  interrupted = 130,
};

inline int to_int(ExitCode c) { return static_cast<int>(c); }

}  // namespace latlab
