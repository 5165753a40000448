// Recoverable failures as values: Result<T> holds either a T or an Error that
// names the object and the cause, plus the exit code it maps to in main.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace latlab::agent {

// Exit codes of latlab-agent (documented in agents/README.md).
enum class ExitCode : int {
  ok = 0,
  failure = 1,      // target did not answer at all, runtime failure
  usage = 2,        // bad usage or input
  environment = 3,  // missing privilege, namespace or device does not exist
};

struct Error {
  ExitCode code = ExitCode::failure;
  std::string message;

  // Prefixes context: "opening socket" + "EPERM" -> "opening socket: EPERM".
  [[nodiscard]] Error with_context(const std::string& context) const {
    return Error{code, context + ": " + message};
  }
};

inline Error usage_error(std::string message) { return Error{ExitCode::usage, std::move(message)}; }
inline Error environment_error(std::string message) {
  return Error{ExitCode::environment, std::move(message)};
}
inline Error failure_error(std::string message) { return Error{ExitCode::failure, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  [[nodiscard]] const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

inline Status ok_status() { return Ok{}; }

// "Operation not permitted (EPERM)" for an errno value.
std::string errno_text(int err);

}  // namespace latlab::agent
