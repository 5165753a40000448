// Recoverable failures are values: Result<T> holds a T or an Error.
// Each layer adds context with Error::context(), so a message reads
//   lab "demo": node "b": add address 198.18.0.2/24 to "eth0": File exists
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>

#include "util/exit_codes.h"

namespace latlab {

class Error {
 public:
  Error() = default;
  explicit Error(std::string message, int sys_errno = 0, ExitCode exit = ExitCode::failure)
      : message_(std::move(message)), errno_(sys_errno), exit_(exit) {}

  // "what: strerror(errno) (ENAME)" for a failed system call.
  static Error from_errno(const std::string& what, int err);

  const std::string& message() const { return message_; }
  int sys_errno() const { return errno_; }
  ExitCode exit_code() const { return exit_; }

  // Prefix the message with "ctx: ".
  Error& context(const std::string& ctx) {
    message_ = ctx + ": " + message_;
    return *this;
  }
  Error with_context(const std::string& ctx) const {
    Error e = *this;
    e.context(ctx);
    return e;
  }
  Error& exit(ExitCode code) {
    exit_ = code;
    return *this;
  }

 private:
  std::string message_;
  int errno_ = 0;
  ExitCode exit_ = ExitCode::failure;
};

// Name of an errno value ("EEXIST"), or "" when unknown.
const char* errno_name(int err);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }  // by value: safe in range-for
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Ok) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : err_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }

 private:
  Error err_;
  bool failed_ = false;
};

using Status = Result<void>;

// The one exception type: a fatal user-facing error, caught only in main.
class FatalError : public std::exception {
 public:
  explicit FatalError(Error e) : e_(std::move(e)) {}
  FatalError(std::string msg, ExitCode code) : e_(std::move(msg), 0, code) {}
  const char* what() const noexcept override { return e_.message().c_str(); }
  const Error& error() const { return e_; }

 private:
  Error e_;
};

}  // namespace latlab

// Propagate an error from an expression returning Result/Status.
#define LATLAB_TRY(expr)                 \
  do {                                   \
    auto _latlab_r = (expr);             \
    if (!_latlab_r.ok()) {               \
      return std::move(_latlab_r).error(); \
    }                                    \
  } while (0)
