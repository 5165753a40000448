#include "process/finish.h"

#include <signal.h>

namespace latlab::process {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

}  // namespace

Result<Finished> finish(Child& child, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto left = [&] {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
  };
  // The child's own error unless the deadline is what ended the wait.
  auto give_up = [&](const Error& e) -> Error {
    child.signal(SIGKILL);
    (void)child.wait(milliseconds(2000));
    if (Clock::now() < deadline) return e;
    return Error("did not finish within " + std::to_string(timeout.count()) + " ms", ETIMEDOUT);
  };
  Finished done;
  while (true) {
    auto line = child.read_line(left());
    if (!line) return give_up(line.error());
    if (!line->has_value()) break;
    done.out += **line;
    done.out += '\n';
  }
  auto code = child.wait(left());
  if (!code) return give_up(code.error());
  done.exit_code = *code;
  done.err = child.stderr_text();
  return done;
}

}  // namespace latlab::process
