// latlab-agent: argument wiring only; the work is in latlab_agent_core.
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "core/mode_registry.h"
#include "core/netns.h"
#include "core/options.h"
#include "core/report.h"
#include "core/version.h"

namespace {

using latlab::agent::Error;
using latlab::agent::ExitCode;
using latlab::agent::Result;

Result<std::string> read_spec(const std::string& path) {
  const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return latlab::agent::usage_error("--spec " + path + ": " + latlab::agent::errno_text(errno));
  std::string text;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      if (fd != STDIN_FILENO) ::close(fd);
      return latlab::agent::usage_error("--spec " + path + ": " + latlab::agent::errno_text(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (1u << 20)) {
      if (fd != STDIN_FILENO) ::close(fd);
      return latlab::agent::usage_error("--spec " + path + ": larger than 1 MiB");
    }
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return text;
}

int fail(latlab::agent::JsonLineWriter& out, const Error& error) {
  latlab::agent::write_error(out, error.message);
  out.flush();
  std::fprintf(stderr, "latlab-agent: error: %s\n", error.message.c_str());
  return static_cast<int>(error.code);
}

}  // namespace

int main(int argc, char** argv) {
  // When whoever started us dies (latlab killed, or the perf wrapping us), stop
  // as if asked to: a probe prints its summary and exits, nothing is left
  // running in a lab. Not when the parent is outside our PID namespace
  // (getppid() is 0: a container's PID 1, or `docker exec`): that parent is
  // runc, which exits as soon as we run, and the engine owns our lifetime.
  const pid_t parent = ::getppid();
  if (parent != 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) return 130;
  }
  latlab::agent::JsonLineWriter out(STDOUT_FILENO);
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(latlab::agent::usage_text().c_str(), stdout);
      return 0;
    }
  }
  auto options = latlab::agent::parse_options(args, read_spec);
  if (!options) return fail(out, options.error());
  if (options->mode == latlab::agent::Mode::version) {
    out.begin_object().field("type", "version").field("agent_version", latlab::agent::kAgentVersion).end_object();
    out.end_line();
    out.flush();
    return 0;
  }
  if (!options->netns_path.empty()) {
    auto entered = latlab::agent::enter_netns_path(options->netns_path);
    if (!entered) return fail(out, entered.error());
  } else if (options->netns_pid != 0) {
    auto entered = latlab::agent::enter_netns_pid(options->netns_pid);
    if (!entered) return fail(out, entered.error());
  }
  const auto run = latlab::agent::find_mode_runner(options->mode);
  auto code = run(*options, out);
  if (!code) return fail(out, code.error());
  return static_cast<int>(*code);
}
