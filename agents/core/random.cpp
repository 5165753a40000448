#include "core/random.h"

#include <sys/random.h>
#include <unistd.h>

#include "core/clock.h"

namespace latlab::agent {

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  if (::getrandom(&v, sizeof(v), 0) == static_cast<ssize_t>(sizeof(v))) return v;
  v = static_cast<std::uint64_t>(monotonic_ns()) * 0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(::getpid());
  return v;
}

}  // namespace latlab::agent
