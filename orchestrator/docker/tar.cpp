#include "docker/tar.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/unique_fd.h"

namespace latlab::docker {

namespace {

constexpr size_t kBlock = 512;

// Writes value as zero-padded octal digits filling width-1 bytes, then NUL.
bool put_octal(char* field, size_t width, unsigned long long value) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(width - 1), value);
  if (n < 0 || static_cast<size_t>(n) != width - 1) return false;
  std::memcpy(field, buf, width - 1);
  field[width - 1] = '\0';
  return true;
}

void put_string(char* field, size_t width, std::string_view s) { std::memcpy(field, s.data(), std::min(width, s.size())); }

}  // namespace

Status TarWriter::add_file(const std::string& name, std::string_view data, unsigned mode, std::time_t mtime) {
  std::string prefix;
  std::string base = name;
  if (name.empty() || name.find('\0') != std::string::npos) return Error("tar: file name \"" + name + "\" is not valid", EINVAL);
  if (base.size() > 100) {
    // Split at the last '/' that leaves a name of at most 100 bytes.
    const size_t slash = name.find('/', name.size() - 101);
    if (slash == std::string::npos || slash > 155 || slash == 0) {
      return Error("tar: file name \"" + name + "\" is too long for ustar", EINVAL);
    }
    prefix = name.substr(0, slash);
    base = name.substr(slash + 1);
  }
  std::array<char, kBlock> h{};
  put_string(&h[0], 100, base);
  bool ok = put_octal(&h[100], 8, mode & 07777) && put_octal(&h[108], 8, 0) && put_octal(&h[116], 8, 0) &&
            put_octal(&h[124], 12, data.size()) &&
            put_octal(&h[136], 12, static_cast<unsigned long long>(mtime < 0 ? 0 : mtime));
  if (!ok) return Error("tar: file \"" + name + "\" is too large for ustar", EFBIG);
  h[156] = '0';  // regular file
  std::memcpy(&h[257], "ustar", 6);  // magic with its NUL
  std::memcpy(&h[263], "00", 2);     // version
  put_string(&h[265], 32, "root");
  put_string(&h[297], 32, "root");
  put_octal(&h[329], 8, 0);
  put_octal(&h[337], 8, 0);
  put_string(&h[345], 155, prefix);
  // The checksum counts its own field as eight spaces.
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(&h[148], 8, "%06o", sum);  // six digits, NUL, and the space left there
  h[155] = ' ';
  out_.append(h.data(), h.size());
  out_.append(data);
  out_.append((kBlock - data.size() % kBlock) % kBlock, '\0');
  return Ok{};
}

std::string TarWriter::finish() && {
  out_.append(2 * kBlock, '\0');
  return std::move(out_);
}

Result<HostFile> read_host_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::from_errno("open \"" + path + "\"", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno("stat \"" + path + "\"", errno);
  if (!S_ISREG(st.st_mode)) return Error("\"" + path + "\" is not a regular file", EINVAL);
  HostFile f;
  f.mtime = st.st_mtime;
  f.data.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < f.data.size()) {
    const ssize_t n = ::read(fd.get(), f.data.data() + got, f.data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("read \"" + path + "\"", errno);
    if (n == 0) return Error("read \"" + path + "\": it shrank while being read", EIO);
    got += static_cast<size_t>(n);
  }
  return f;
}

}  // namespace latlab::docker
