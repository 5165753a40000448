#include "process/boost_child.h"

#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/buffer.hpp>

namespace latlab::process {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  const auto now = Clock::now();
  if (timeout >= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now))
    return Clock::time_point::max();
  return now + timeout;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

BoostChild::BoostChild(std::unique_ptr<asio::io_context> ctx, Process proc, std::string name, bool own_group)
    : ctx_(std::move(ctx)),
      proc_(std::move(proc)),
      out_(*ctx_),
      err_(*ctx_),
      name_(std::move(name)),
      pid_(proc_.id()),
      own_group_(own_group) {}

BoostChild::~BoostChild() {
  if (!exited()) {
    signal(SIGKILL);
    (void)wait(std::chrono::milliseconds(2000));
  }
  // Reaped (or stuck in the kernel): basic_process's destructor must not
  // waitpid or kill a pid that may belong to another process by now.
  (void)proc_.detach();
}

Status BoostChild::watch(UniqueFd out, UniqueFd err) {
  boost::system::error_code ec;
  auto adopt = [&ec](asio::readable_pipe& pipe, UniqueFd& fd) {
    if (!fd || ec) return;
    pipe.assign(fd.get(), ec);
    if (!ec) fd.release();  // the pipe owns it now
  };
  adopt(out_, out);
  adopt(err_, err);
  if (ec) return Error::from_errno("watch the output of " + describe(), ec.value());
  if (out_.is_open()) out_fd_ = out_.native_handle();
  watch_exit();
  if (err_.is_open()) read_stderr();
  return Ok{};
}

void BoostChild::watch_exit() {
  proc_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) {
      wait_errno_ = ec.value();
    } else {
      status_ = exit_code_of(proc_.native_exit_code());
    }
  });
}

void BoostChild::read_stdout() {
  out_pending_ = true;
  out_.async_read_some(asio::buffer(out_chunk_), [this](const boost::system::error_code& ec, size_t n) {
    out_pending_ = false;
    out_buf_.append(out_chunk_.data(), n);
    if (ec) out_eof_ = true;  // EOF, or an error that ends the output alike
  });
}

void BoostChild::read_stderr() {
  err_.async_read_some(asio::buffer(err_chunk_), [this](const boost::system::error_code& ec, size_t n) {
    err_text_.append(err_chunk_.data(), n);
    if (err_text_.size() > stderr_tail) err_text_.erase(0, err_text_.size() - stderr_tail);
    if (!ec) read_stderr();
  });
}

bool BoostChild::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
  ctx_->restart();
  while (!done()) {
    if (ctx_->run_one_until(deadline) == 0) return done();  // the deadline passed, or nothing left to run
  }
  return true;
}

void BoostChild::pump() {
  ctx_->restart();
  ctx_->poll();
}

std::string BoostChild::describe() const { return name_ + " (pid " + std::to_string(pid_) + ")"; }

std::optional<std::string> BoostChild::take_line() {
  const size_t nl = out_buf_.find('\n', scan_from_);
  if (nl == std::string::npos) {
    scan_from_ = out_buf_.size();
    return std::nullopt;
  }
  std::string line = out_buf_.substr(0, nl);
  out_buf_.erase(0, nl + 1);
  scan_from_ = 0;
  return line;
}

Result<std::optional<std::string>> BoostChild::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  while (true) {
    if (auto line = take_line()) return line;
    if (!out_.is_open() || out_eof_) {  // what is left is a last line without newline
      if (out_buf_.empty()) return std::optional<std::string>();
      scan_from_ = 0;
      return std::optional<std::string>(std::exchange(out_buf_, std::string()));
    }
    if (!out_pending_) read_stdout();
    if (!run_until([this] { return !out_pending_; }, deadline))
      return Error(describe() + ": no output for " + std::to_string(timeout.count()) + " ms");
  }
}

void BoostChild::signal(int sig) {
  pump();  // an exit already seen is reaped now: never signal a pid that may be reused
  if (status_ || wait_errno_) return;
  if (own_group_) ::kill(-pid_, sig);
  ::kill(pid_, sig);
}

Result<int> BoostChild::wait(std::chrono::milliseconds timeout) {
  if (!run_until([this] { return status_ || wait_errno_; }, deadline_after(timeout)))
    return Error(describe() + " did not exit within " + std::to_string(timeout.count()) + " ms");
  if (wait_errno_) return Error::from_errno("wait for " + describe(), *wait_errno_);
  return *status_;
}

std::string BoostChild::stderr_text() {
  pump();
  return err_text_;
}

bool BoostChild::exited() {
  pump();
  return status_ || wait_errno_;
}

}  // namespace latlab::process
