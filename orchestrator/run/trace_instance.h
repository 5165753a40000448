// A private ftrace instance (tracefs `instances/<name>`): its own buffer,
// clock, events and tracer, so concurrent labs and other tracing users do not
// clash. Move-only owner: the destructor stops tracing and removes the
// instance, also when the experiment failed half-way.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/result.h"

namespace latlab::run {

// The tracefs mount ("/sys/kernel/tracing" or "/sys/kernel/debug/tracing").
// When none is mounted, mounts tracefs on /sys/kernel/tracing (as perf and
// trace-cmd do); `mounted` says so.
Result<std::string> find_tracefs(bool* mounted);

class TraceInstance {
 public:
  // mkdir <tracefs>/instances/<name>; an instance of that name left by this
  // very process is removed first.
  static Result<TraceInstance> create(const std::string& tracefs, const std::string& name);

  TraceInstance(TraceInstance&& o) noexcept;
  TraceInstance& operator=(TraceInstance&& o) noexcept;
  TraceInstance(const TraceInstance&) = delete;
  TraceInstance& operator=(const TraceInstance&) = delete;
  ~TraceInstance();

  const std::string& path() const { return path_; }
  // Writes `value` to the instance file `rel` ("trace_clock", "events/net/netif_rx/enable").
  Status write(const std::string& rel, const std::string& value, bool append = false) const;
  Result<std::string> read(const std::string& rel) const;
  bool exists(const std::string& rel) const;
  // Streams the instance file `rel` line by line (without newlines).
  Status for_each_line(const std::string& rel, const std::function<void(std::string_view)>& fn) const;
  // Stops tracing and removes the instance now (the destructor does it too).
  Status remove();

 private:
  explicit TraceInstance(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Removes instances named "<prefix><pid>-..." whose pid is no longer alive;
// returns their names.
std::vector<std::string> remove_stale_instances(const std::string& tracefs, const std::string& prefix);

}  // namespace latlab::run
