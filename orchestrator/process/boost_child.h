// The Child that RealLauncher hands out (internal to latlab_process): a
// Boost.Process v2 process and the parent's ends of its stdout and stderr
// pipes on an io_context of its own, run only inside the calls below (no
// thread). The exit is watched through the process's pidfd; stderr is drained
// into a 64 KiB tail whenever the context runs.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <functional>
#include <memory>

#include "process/process.h"
#include "util/unique_fd.h"

namespace latlab::process {

using Process = boost::process::v2::basic_process<boost::asio::io_context::executor_type>;

class BoostChild final : public Child {
 public:
  static constexpr size_t stderr_tail = 64 * 1024;

  // ctx is the context proc was launched on.
  BoostChild(std::unique_ptr<boost::asio::io_context> ctx, Process proc, std::string name, bool own_group);
  ~BoostChild() override;
  BoostChild(const BoostChild&) = delete;
  BoostChild& operator=(const BoostChild&) = delete;

  // Starts watching the exit and reading the parent's ends of the stdout and
  // stderr pipes (either may be empty: no such pipe).
  Status watch(UniqueFd out, UniqueFd err);
  // The parent's end of stdin, closed with the Child (SpawnSpec::stdin_open).
  void keep_stdin(UniqueFd in) { in_ = std::move(in); }
  void close_stdin() override { in_.reset(); }
  Status send_stdin(const std::string& text) override {
    if (!in_) return Error(describe() + ": no stdin kept open");
    return write_pipe(in_.get(), text);
  }

  pid_t pid() const override { return pid_; }
  Result<std::optional<std::string>> read_line(std::chrono::milliseconds timeout) override;
  int stdout_fd() const override { return out_fd_; }
  void signal(int sig) override;
  Result<int> wait(std::chrono::milliseconds timeout) override;
  std::string stderr_text() override;
  bool exited() override;

 private:
  using Clock = std::chrono::steady_clock;

  void watch_exit();
  void read_stdout();
  void read_stderr();
  std::optional<std::string> take_line();
  // Runs handlers until done() or the deadline; returns done().
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline);
  // Runs the handlers that are ready, without blocking.
  void pump();
  std::string describe() const;

  std::unique_ptr<boost::asio::io_context> ctx_;
  Process proc_;
  boost::asio::readable_pipe out_;
  int out_fd_ = -1;
  boost::asio::readable_pipe err_;
  std::string name_;
  pid_t pid_;
  bool own_group_;
  UniqueFd in_;

  std::array<char, 65536> out_chunk_{};
  std::string out_buf_;
  size_t scan_from_ = 0;  // out_buf_ before this has no newline
  bool out_pending_ = false;
  bool out_eof_ = false;

  std::array<char, 8192> err_chunk_{};
  std::string err_text_;

  std::optional<int> status_;      // exit code, 128 + signal when killed
  std::optional<int> wait_errno_;  // waiting failed
};

}  // namespace latlab::process
