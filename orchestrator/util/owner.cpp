#include "util/owner.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace latlab {

namespace {

std::optional<unsigned> env_id(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  unsigned id = 0;
  const std::string_view s(v);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return id;
}

std::string chown_one(const std::string& path, const Owner& o) {
  if (::lchown(path.c_str(), o.uid, o.gid) == 0) return "";
  return path + ": " + std::strerror(errno);
}

}  // namespace

std::optional<Owner> invoking_user() {
  if (::geteuid() != 0) return std::nullopt;
  auto uid = env_id("SUDO_UID");
  auto gid = env_id("SUDO_GID");
  if (!uid || !gid || *uid == 0) return std::nullopt;
  return Owner{static_cast<uid_t>(*uid), static_cast<gid_t>(*gid)};
}

std::string hand_over(const std::string& path, bool recursive) {
  auto o = invoking_user();
  if (!o) return "";
  std::string first = chown_one(path, *o);
  if (!recursive) return first;
  std::error_code ec;
  namespace fs = std::filesystem;
  for (fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string err = chown_one(it->path().string(), *o);
    if (first.empty()) first = err;
  }
  return first;
}

}  // namespace latlab
