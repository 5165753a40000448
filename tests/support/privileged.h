// The one switch for tests that need root or something of the host: without
// it they skip, unless LATLAB_REQUIRE_PRIVILEGED=1 (CI), where they fail.
// LATLAB_REQUIRE_ROOT() first; LATLAB_REQUIRE_HOST(cond, what) for anything
// else the host must have (tracefs, Docker's FORWARD DROP, a browser). No such
// test skips in another way. LATLAB_REQUIRE_DOCKER() (below) is the one for a
// Docker engine, with its own LATLAB_REQUIRE_DOCKER=1.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace latlab::test {

inline bool privileged_required() {
  const char* v = std::getenv("LATLAB_REQUIRE_PRIVILEGED");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace latlab::test

// Unless cond holds, skips the test, or fails it under
// LATLAB_REQUIRE_PRIVILEGED=1; what (streamable) says what the host lacks.
// Returns from the calling function, as GTEST_SKIP() and FAIL() do.
#define LATLAB_REQUIRE_HOST(cond, what)                                             \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      if (::latlab::test::privileged_required()) {                                  \
        FAIL() << what << " and LATLAB_REQUIRE_PRIVILEGED=1 is set";                \
      }                                                                             \
      GTEST_SKIP() << what << " (set LATLAB_REQUIRE_PRIVILEGED=1 to fail instead)"; \
    }                                                                               \
  } while (0)

#define LATLAB_REQUIRE_ROOT() LATLAB_REQUIRE_HOST(::geteuid() == 0, "this test needs root")

namespace latlab::test {

inline bool docker_required() {
  const char* v = std::getenv("LATLAB_REQUIRE_DOCKER");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace latlab::test

// Skips the test unless a Docker engine answers at docker::default_socket_path(),
// or fails it under LATLAB_REQUIRE_DOCKER=1 (CI). The test includes
// docker/engine_api.h and links latlab_docker (this header does not).
#define LATLAB_REQUIRE_DOCKER()                                                                   \
  do {                                                                                            \
    auto _latlab_ping = ::latlab::docker::EngineApiRuntime(::latlab::docker::default_socket_path()).ping(); \
    if (!_latlab_ping.ok()) {                                                                     \
      if (::latlab::test::docker_required()) {                                                    \
        FAIL() << _latlab_ping.error().message() << " and LATLAB_REQUIRE_DOCKER=1 is set";       \
      }                                                                                           \
      GTEST_SKIP() << _latlab_ping.error().message()                                              \
                   << " (set LATLAB_REQUIRE_DOCKER=1 to fail instead)";                           \
    }                                                                                             \
  } while (0)
