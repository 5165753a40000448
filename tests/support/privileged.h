// Tests that need root and real kernel objects call LATLAB_REQUIRE_ROOT() first.
// Without root they skip, unless LATLAB_REQUIRE_PRIVILEGED=1 (CI), where they fail.
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

#define LATLAB_REQUIRE_ROOT()                                                      \
  do {                                                                             \
    if (::geteuid() != 0) {                                                        \
      if (::latlab::test::privileged_required()) {                                 \
        FAIL() << "this test needs root and LATLAB_REQUIRE_PRIVILEGED=1 is set";   \
      }                                                                            \
      GTEST_SKIP() << "needs root (set LATLAB_REQUIRE_PRIVILEGED=1 to fail instead)"; \
    }                                                                              \
  } while (0)
