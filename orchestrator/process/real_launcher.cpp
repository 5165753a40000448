#include "process/real_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <exception>

#include "process/boost_child.h"
#include "process/child_setup.h"

namespace latlab::process {

namespace {

namespace asio = boost::asio;

std::string q(const std::string& s) { return "\"" + s + "\""; }

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe(const char* what) {
  int p[2] = {-1, -1};
  if (::pipe2(p, O_CLOEXEC) != 0) return Error::from_errno(std::string("create ") + what + " pipe", errno);
  return Pipe{UniqueFd(p[0]), UniqueFd(p[1])};
}

Result<UniqueFd> open_output(const std::string& path, const char* what) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return Error::from_errno(std::string("open ") + what + " " + q(path), errno);
  return fd;
}

// Everything the child gets, opened before the fork: what cannot be opened
// fails the spawn in the parent, with the file's name.
struct ChildIo {
  UniqueFd netns;
  bool interactive = false;
  UniqueFd in_child, in_parent;    // the stdin pipe
  UniqueFd out_child, out_parent;  // stdout: a pipe (parent reads) or a file
  UniqueFd err_child, err_parent;  // stderr: a pipe (parent reads) or a file; none with 2>&1

  bp::process_stdio stdio() const {
    if (interactive) return bp::process_stdio{STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
    return bp::process_stdio{in_child.get(), out_child.get(), err_child ? err_child.get() : out_child.get()};
  }
  void close_child_ends() {
    in_child.reset();
    out_child.reset();
    err_child.reset();
  }
};

Status open_stdout(const SpawnSpec& spec, ChildIo& io) {
  if (spec.capture_stdout) {
    auto p = make_pipe("stdout");
    if (!p) return std::move(p).error();
    io.out_child = std::move(p->write);
    io.out_parent = std::move(p->read);
    return Ok{};
  }
  auto f = open_output(spec.stdout_file.empty() ? "/dev/null" : spec.stdout_file, "stdout file");
  if (!f) return std::move(f).error();
  io.out_child = std::move(*f);
  return Ok{};
}

Status open_stderr(const SpawnSpec& spec, ChildIo& io) {
  if (spec.stderr_to_stdout) return Ok{};
  if (!spec.stderr_file.empty()) {
    auto f = open_output(spec.stderr_file, "stderr file");
    if (!f) return std::move(f).error();
    io.err_child = std::move(*f);
    return Ok{};
  }
  auto p = make_pipe("stderr");
  if (!p) return std::move(p).error();
  io.err_child = std::move(p->write);
  io.err_parent = std::move(p->read);
  return Ok{};
}

Result<ChildIo> open_child_io(const SpawnSpec& spec) {
  ChildIo io;
  io.interactive = spec.interactive;
  if (!spec.netns_path.empty()) {
    io.netns.reset(::open(spec.netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!io.netns) return Error::from_errno("enter network namespace " + spec.netns_path, errno);
  }
  if (spec.interactive) return io;
  auto in = make_pipe("stdin");
  if (!in) return std::move(in).error();
  io.in_child = std::move(in->read);
  io.in_parent = std::move(in->write);
  LATLAB_TRY(open_stdout(spec, io));
  LATLAB_TRY(open_stderr(spec, io));
  return io;
}

// The last stage the child reached (after it exec'd or exited).
Stage last_stage(int fd) {
  Stage last = Stage::none;
  unsigned char buf[16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return last;
    last = static_cast<Stage>(buf[n - 1]);
  }
}

void reap(pid_t pid) {
  if (pid <= 0) return;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

struct Launched {
  std::unique_ptr<asio::io_context> ctx;
  Process proc;
};

// Fork and exec through Boost's default_launcher; argv is passed as it is.
Result<Launched> launch(const SpawnSpec& spec, const std::string& exe, ChildIo& io) {
  auto stages = make_pipe("stage");
  if (!stages) return std::move(stages).error();
  std::vector<const char*> argv;
  for (const auto& a : spec.argv) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  const char** args = argv.data();
  const std::string sysfs_source = spec.netns_path.substr(spec.netns_path.rfind('/') + 1);
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  for (int c : spec.cpus)
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &cpus);
  ChildSetup setup{.stage_fd = stages->write.get(),
                   .parent = ::getpid(),
                   .own_group = !spec.interactive,
                   .netns_fd = io.netns.get(),
                   .netns_sysfs = spec.netns_sysfs,
                   .sysfs_source = sysfs_source.c_str(),
                   .cpus = spec.cpus.empty() ? nullptr : &cpus};
  ExecStage exec_stage{.stage_fd = stages->write.get()};
  bp::posix::default_launcher launcher;
  bp::error_code ec;
  try {
    auto ctx = std::make_unique<asio::io_context>();
    Process proc =
        launcher(ctx->get_executor(), ec, bp::filesystem::path(exe), args, setup, io.stdio(), exec_stage);
    io.close_child_ends();
    stages->write.reset();
    if (!ec) return Launched{std::move(ctx), std::move(proc)};
  } catch (const std::exception& e) {  // the io_context or the pidfd: the child cannot be watched
    if (launcher.pid > 0) ::kill(launcher.pid, SIGKILL);
    reap(launcher.pid);
    return Error(std::string("watch the child: ") + e.what());
  }
  const Stage failed = last_stage(stages->read.get());
  reap(launcher.pid);  // Boost leaves a child that failed before exec unreaped
  return Error::from_errno(stage_text(failed, spec.netns_path), ec.value());
}

// Writes the child's stdin. A child that exits without reading it is its
// own business (EPIPE).
Status write_stdin(const UniqueFd& fd, const std::string& text) {
  Status s = write_pipe(fd.get(), text);
  if (!s && s.error().sys_errno() != EPIPE) return s;
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<Child>> RealLauncher::spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) return Error("spawn: empty command");
  const std::string what = "spawn " + q(spec.argv[0]);
  auto exe = find_in_path(spec.argv[0]);
  if (!exe) return Error(what + ": not found in PATH", ENOENT, ExitCode::environment);
  auto io = open_child_io(spec);
  if (!io) return Error(io.error()).context(what);
  auto launched = launch(spec, *exe, *io);
  if (!launched) return Error(launched.error()).context(what);
  auto child = std::make_unique<BoostChild>(std::move(launched->ctx), std::move(launched->proc), spec.argv[0],
                                            !spec.interactive);
  if (Status s = child->watch(std::move(io->out_parent), std::move(io->err_parent)); !s)
    return Error(s.error()).context(what);
  if (io->in_parent) {
    if (Status s = write_stdin(io->in_parent, spec.stdin_text); !s) return Error(s.error()).context(what);
    if (spec.stdin_open) child->keep_stdin(std::move(io->in_parent));
  }
  return std::unique_ptr<Child>(std::move(child));
}

}  // namespace latlab::process
