// The Child of an exec (internal to latlab_docker): a thread of its own
// performs POST /exec/{id}/start on its own connection and demultiplexes the
// raw stream: stdout into a socket pair whose other end is stdout_fd() (or
// into the stdout file), stderr into a 64 KiB tail (or its file, or stdout).
// pid() is the host PID from /exec/{id}/json; signal() is kill(2) from the
// host; wait() ends when the stream has ended and the engine says the
// process no longer runs. The destructor SIGKILLs a process still running and
// joins the thread (an idle stream is abandoned within about a second).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "docker/container_runtime.h"
#include "docker/unix_http.h"
#include "util/unique_fd.h"

namespace latlab::docker {

class ExecChild final : public process::Child {
 public:
  static constexpr size_t stderr_tail = 64 * 1024;

  // Starts the created exec `exec_id` and returns once its PID is known.
  // name is how errors call it ("exec \"/latlab-agent\" in \"c1\"").
  static Result<std::unique_ptr<ExecChild>> start(const std::string& socket_path, std::string exec_id,
                                                  std::string name, const ExecSpec& spec, UniqueFd stdout_file,
                                                  UniqueFd stderr_file);
  ~ExecChild() override;
  ExecChild(const ExecChild&) = delete;
  ExecChild& operator=(const ExecChild&) = delete;

  pid_t pid() const override { return pid_; }
  Result<std::optional<std::string>> read_line(std::chrono::milliseconds timeout) override;
  int stdout_fd() const override { return out_read_.get(); }
  void signal(int sig) override;
  Result<int> wait(std::chrono::milliseconds timeout) override;
  std::string stderr_text() override;
  bool exited() override;

 private:
  ExecChild(const std::string& socket_path, std::string exec_id, std::string name);
  void stream(const ExecSpec& spec);
  // Writes all of data to fd (false: the reader went away).
  bool write_all(int fd, std::string_view data, bool socket);
  // GET /exec/{id}/json: {running, pid, exit code}.
  struct State {
    bool running = false;
    pid_t pid = 0;
    int exit_code = 0;
  };
  Result<State> inspect();
  bool stream_ended();

  std::string socket_path_;
  std::string id_;
  std::string name_;
  UnixHttpClient ctl_;  // inspections, on a connection of its own
  pid_t pid_ = 0;

  UniqueFd out_read_, out_write_;
  UniqueFd stdout_file_, stderr_file_;
  std::string out_buf_;
  size_t scan_from_ = 0;
  bool out_eof_ = false;

  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;  // guards what follows
  std::condition_variable cv_;
  bool stream_done_ = false;
  std::optional<Error> stream_error_;
  std::string err_text_;
  std::optional<int> exit_code_;
};

}  // namespace latlab::docker
