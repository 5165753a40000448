#include "cli/common.h"

#include <unistd.h>

#include <cstdio>

#include "util/result.h"

namespace latlab::cli {

scenario::LoadResult load_lab_or_throw(const std::string& path) {
  auto r = scenario::load_scenario_file(path);
  if (!r.ok()) {
    for (const auto& d : r.errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    throw FatalError("", ExitCode::bad_input);
  }
  return r;
}

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace latlab::cli
