#include "docker/exec_child.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "docker/api_call.h"
#include "docker/stream_demux.h"

namespace latlab::docker {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  const auto now = Clock::now();
  if (timeout >= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now))
    return Clock::time_point::max();
  return now + timeout;
}

// How long the engine may take to report the PID of a started exec.
constexpr auto kPidWait = 10s;

}  // namespace

ExecChild::ExecChild(const std::string& socket_path, std::string exec_id, std::string name)
    : socket_path_(socket_path), id_(std::move(exec_id)), name_(std::move(name)), ctl_(socket_path) {}

Result<std::unique_ptr<ExecChild>> ExecChild::start(const std::string& socket_path, std::string exec_id,
                                                    std::string name, const ExecSpec& spec, UniqueFd stdout_file,
                                                    UniqueFd stderr_file) {
  std::unique_ptr<ExecChild> c(new ExecChild(socket_path, std::move(exec_id), std::move(name)));
  c->stdout_file_ = std::move(stdout_file);
  c->stderr_file_ = std::move(stderr_file);
  if (spec.capture_stdout) {
    // A socket pair rather than a pipe: send(MSG_NOSIGNAL) fails with EPIPE
    // instead of raising SIGPIPE once the reading end is shut down.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
      return Error::from_errno("docker: " + c->name_ + ": socketpair", errno);
    c->out_read_.reset(fds[0]);
    c->out_write_.reset(fds[1]);
    ::shutdown(fds[0], SHUT_WR);
  }
  c->thread_ = std::thread([raw = c.get(), spec] { raw->stream(spec); });

  // The engine knows the PID once the process runs; a start that failed
  // (no such container, not running) ends the stream with an error first.
  const auto deadline = Clock::now() + kPidWait;
  while (true) {
    {
      std::unique_lock lock(c->mu_);
      if (c->stream_error_) return *c->stream_error_;
    }
    auto st = c->inspect();
    if (!st) return std::move(st).error();
    if (st->pid > 0) {
      c->pid_ = st->pid;
      return c;
    }
    if (c->stream_ended() && !st->running) {
      std::unique_lock lock(c->mu_);
      if (c->stream_error_) return *c->stream_error_;
      return Error("docker: " + c->name_ + ": the engine reported no PID for it", EPROTO);
    }
    if (Clock::now() >= deadline) {
      return Error("docker: " + c->name_ + ": no PID within " + std::to_string(kPidWait.count()) + " s", ETIMEDOUT);
    }
    std::this_thread::sleep_for(2ms);
  }
}

ExecChild::~ExecChild() {
  if (pid_ > 0 && !exited()) signal(SIGKILL);
  stop_ = true;
  if (out_read_) ::shutdown(out_read_.get(), SHUT_RDWR);  // a blocked send fails now
  if (thread_.joinable()) thread_.join();
}

bool ExecChild::write_all(int fd, std::string_view data, bool socket) {
  while (!data.empty()) {
    const ssize_t n = socket ? ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) : ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void ExecChild::stream(const ExecSpec& spec) {
  bool reader_gone = false;
  auto to_stdout = [&](std::string_view d) {
    if (out_write_) {
      if (!reader_gone && !write_all(out_write_.get(), d, true)) reader_gone = true;
    } else if (stdout_file_) {
      (void)write_all(stdout_file_.get(), d, false);
    }
  };
  StreamDemux demux([&](StreamKind kind, std::string_view d) {
    if (kind == StreamKind::stdout_ || kind == StreamKind::stdin_) {
      to_stdout(d);
    } else if (spec.stderr_to_stdout) {
      to_stdout(d);
    } else if (stderr_file_) {
      (void)write_all(stderr_file_.get(), d, false);
    } else {
      std::lock_guard lock(mu_);
      err_text_.append(d);
      if (err_text_.size() > stderr_tail) err_text_.erase(0, err_text_.size() - stderr_tail);
    }
  });

  UnixHttpClient http(socket_path_);
  HttpRequest req;
  req.method = "POST";
  req.target = api_target("/exec/" + id_ + "/start");
  req.body = R"({"Detach":false,"Tty":false})";
  req.timeout = std::chrono::seconds(0);
  req.sink = [&](std::string_view bytes) {
    demux.feed(bytes);
    return !stop_ && !reader_gone;
  };
  req.keep_going = [this] { return !stop_.load(); };
  auto resp = http.perform(req);

  std::optional<Error> error;
  if (!resp) {
    if (!stop_ && !reader_gone) error = transport_error("start " + name_, std::move(resp).error());
  } else if (resp->status != 200 && resp->status != 101) {
    error = api_error("start " + name_, *resp);
  }
  out_write_.reset();  // EOF for read_line
  std::lock_guard lock(mu_);
  stream_error_ = std::move(error);
  stream_done_ = true;
  cv_.notify_all();
}

bool ExecChild::stream_ended() {
  std::lock_guard lock(mu_);
  return stream_done_;
}

Result<ExecChild::State> ExecChild::inspect() {
  auto j = call_json(ctl_, "inspect " + name_, "GET", "/exec/" + id_ + "/json");
  if (!j) return std::move(j).error();
  State st;
  try {
    st.running = j->value("Running", false);
    st.pid = static_cast<pid_t>(j->value("Pid", 0));
    const auto& code = (*j)["ExitCode"];
    if (code.is_number_integer()) st.exit_code = code.get<int>();
  } catch (const nlohmann::json::exception& ex) {
    return Error("docker: inspect " + name_ + ": unexpected answer: " + ex.what(), EPROTO);
  }
  return st;
}

Result<std::optional<std::string>> ExecChild::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  while (true) {
    const size_t nl = out_buf_.find('\n', scan_from_);
    if (nl != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      scan_from_ = 0;
      return std::optional<std::string>(std::move(line));
    }
    scan_from_ = out_buf_.size();
    if (!out_read_ || out_eof_) {  // what is left is a last line without newline
      if (out_buf_.empty()) return std::optional<std::string>();
      scan_from_ = 0;
      return std::optional<std::string>(std::exchange(out_buf_, std::string()));
    }
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, std::min<std::chrono::milliseconds::rep>(left.count(), INT32_MAX)));
    }
    pollfd p{out_read_.get(), POLLIN, 0};
    const int rc = ::poll(&p, 1, wait_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return Error::from_errno("docker: read the output of " + name_, errno);
    if (rc == 0) return Error("docker: " + name_ + " (pid " + std::to_string(pid_) + "): no output for " +
                              std::to_string(timeout.count()) + " ms");
    char buf[65536];
    const ssize_t n = ::read(out_read_.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      out_eof_ = true;  // EOF, or an error that ends the output alike
      continue;
    }
    out_buf_.append(buf, static_cast<size_t>(n));
  }
}

void ExecChild::signal(int sig) {
  if (pid_ <= 0 || exited()) return;  // never signal a PID that may be reused
  ::kill(pid_, sig);
}

Result<int> ExecChild::wait(std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  auto too_late = [&] {
    return Error("docker: " + name_ + " (pid " + std::to_string(pid_) + ") did not exit within " +
                     std::to_string(timeout.count()) + " ms",
                 ETIMEDOUT);
  };
  {
    std::unique_lock lock(mu_);
    if (exit_code_) return *exit_code_;
    if (!cv_.wait_until(lock, deadline, [this] { return stream_done_; })) return too_late();
    if (stream_error_) return *stream_error_;
  }
  // The stream ends with the process; the engine marks the exec as done right around then.
  while (true) {
    auto st = inspect();
    if (!st) return std::move(st).error();
    if (!st->running) {
      std::lock_guard lock(mu_);
      exit_code_ = st->exit_code;
      return st->exit_code;
    }
    if (Clock::now() >= deadline) return too_late();
    std::this_thread::sleep_for(2ms);
  }
}

std::string ExecChild::stderr_text() {
  std::lock_guard lock(mu_);
  return err_text_;
}

bool ExecChild::exited() {
  {
    std::lock_guard lock(mu_);
    if (exit_code_) return true;
    if (!stream_done_) return false;
  }
  auto st = inspect();
  if (!st || st->running) return false;
  std::lock_guard lock(mu_);
  exit_code_ = st->exit_code;
  return true;
}

}  // namespace latlab::docker
