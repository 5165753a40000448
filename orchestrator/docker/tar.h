// A minimal ustar writer for the Engine API's tar bodies (a build context, a
// file to copy into a container): regular files only, in memory.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "util/result.h"

namespace latlab::docker {

class TarWriter {
 public:
  // One regular file, owned by root. EINVAL when the name does not fit ustar
  // (at most 100 bytes, or a prefix of at most 155 and a name of at most 100
  // split at a '/').
  Status add_file(const std::string& name, std::string_view data, unsigned mode, std::time_t mtime = 0);
  // The archive, ended by its two zero blocks.
  std::string finish() &&;

 private:
  std::string out_;
};

// A host file's contents and mtime (for a tar entry).
struct HostFile {
  std::string data;
  std::time_t mtime = 0;
};
Result<HostFile> read_host_file(const std::string& path);

}  // namespace latlab::docker
