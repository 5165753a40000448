#include "remote/remote_command.h"

#include <sys/stat.h>

#include <cerrno>

#include "process/finish.h"

namespace latlab::remote {

namespace {

std::string with_line(std::string text, const std::string& stderr_text) {
  const std::string line = process::last_stderr_line(stderr_text);
  if (!line.empty()) text += ": " + line;
  return text;
}

}  // namespace

Error remote_exit_error(const SshLauncher& host, const std::string& name, const process::Finished& done) {
  std::string text;
  if (done.exit_code == 255) {
    // ssh's own code: it could not connect or log in, or lost the connection
    // (a remote command killed by a signal also ends ssh with 255).
    text = process::last_stderr_line(done.err).empty()
               ? "ssh failed (exit 255) without a message: the connection broke or \"" + name +
                     "\" died of a signal"
               : with_line("ssh failed (exit 255)", done.err);
  } else {
    text = with_line("\"" + name + "\" exited with " + std::to_string(done.exit_code), done.err);
  }
  return Error(host.describe() + ": " + text, 0);
}

namespace {

// Runs a local ssh argv (-O OPERATION) to completion.
Result<process::Finished> run_local(SshLauncher& host, std::vector<std::string> argv,
                                    std::chrono::milliseconds timeout) {
  process::SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.capture_stdout = true;
  auto child = host.local().spawn(spec);
  if (!child) return Error(child.error()).context(host.describe());
  auto done = process::finish(**child, timeout);
  if (!done) return Error(done.error()).context(host.describe() + ": ssh -O");
  return done;
}

}  // namespace

Result<std::string> run_remote(SshLauncher& host, const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout) {
  process::SpawnSpec spec;
  spec.argv = argv;
  spec.capture_stdout = true;
  auto child = host.spawn(spec);
  if (!child) return std::move(child).error();
  auto done = process::finish(**child, timeout);
  if (!done) return Error(done.error()).context(host.describe() + ": \"" + argv[0] + "\"");
  if (done->exit_code != 0) return remote_exit_error(host, argv[0], *done);
  return std::move(done->out);
}

Status check_connection(SshLauncher& host, std::chrono::milliseconds timeout) {
  auto out = run_remote(host, {"true"}, timeout);
  if (!out) return std::move(out).error();
  return Ok{};
}

Status check_master(SshLauncher& host, std::chrono::milliseconds timeout) {
  auto argv = ssh_control_argv(host.destination(), host.options(), "check");
  if (!argv) return std::move(argv).error();
  auto done = run_local(host, std::move(*argv), timeout);
  if (!done) return std::move(done).error();
  if (done->exit_code != 0) return Error(with_line(host.describe() + ": no SSH master", done->err), ENOTCONN);
  return Ok{};
}

Status close_master(SshLauncher& host, std::chrono::milliseconds timeout) {
  auto argv = ssh_control_argv(host.destination(), host.options(), "exit");
  if (!argv) return std::move(argv).error();
  struct stat st {};
  const std::string socket = control_path(host.destination(), host.options());
  if (::lstat(socket.c_str(), &st) != 0 && errno == ENOENT) return Ok{};  // no master, or it ended by itself
  auto done = run_local(host, std::move(*argv), timeout);
  if (!done) return std::move(done).error();
  if (done->exit_code != 0)
    return Error(with_line(host.describe() + ": close the SSH master", done->err), EIO);
  return Ok{};
}

}  // namespace latlab::remote
