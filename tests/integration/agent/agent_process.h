// latlab-agent as a child process: argv (no shell), optional stdin text,
// stdout parsed as JSON lines, a deadline on everything.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace latlab::test {

std::string agent_path();

struct AgentResult {
  int exit_code = -1;  // -1: killed or timed out
  std::vector<nlohmann::json> lines;
  std::string stdout_text;
  std::string stderr_text;

  // The first line of that "type", or null.
  [[nodiscard]] nlohmann::json first(const std::string& type) const;
  [[nodiscard]] std::vector<nlohmann::json> all(const std::string& type) const;
};

class AgentProcess {
 public:
  AgentProcess(const std::vector<std::string>& args, const std::string& stdin_text = "", int uid = -1);
  ~AgentProcess();  // kills the child if still running
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  // Reads stdout until a line of `type` appears (true) or the timeout passes.
  bool wait_for_line(const std::string& type, int timeout_ms);
  // The first complete line of `type` read so far, or null.
  [[nodiscard]] nlohmann::json line(const std::string& type) const;
  void signal(int sig);
  // Waits for exit (SIGKILL after timeout_ms) and collects everything.
  AgentResult finish(int timeout_ms);

 private:
  void pump(int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  bool out_eof_ = false;
  bool err_eof_ = false;
};

// Runs to completion.
AgentResult run_agent(const std::vector<std::string>& args, int timeout_ms = 20000, const std::string& stdin_text = "");

}  // namespace latlab::test
