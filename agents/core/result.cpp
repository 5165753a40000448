#include "core/result.h"

#include <string.h>

#include <cerrno>

namespace latlab::agent {

std::string errno_text(int err) {
  const char* name = strerrorname_np(err);
  std::string text = strerror(err);
  if (name != nullptr) {
    text += " (";
    text += name;
    text += ")";
  }
  return text;
}

}  // namespace latlab::agent
