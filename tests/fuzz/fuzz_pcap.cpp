// libFuzzer target: the pcap reader and frame decoder on any file (tcpdump's
// output is a file; a memfd stands in for it).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "run/pcap_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = ::memfd_create("fuzz.pcap", 0);
  if (fd < 0) return 0;
  for (size_t off = 0; off < size;) {
    const ssize_t n = ::write(fd, data + off, size - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  auto reader = latlab::run::PcapReader::open("/proc/self/fd/" + std::to_string(fd));
  if (reader.ok()) {
    for (int i = 0; i < 100000; ++i) {
      auto p = reader->next();
      if (!p.ok() || !p->has_value()) break;
      (void)latlab::run::decode_frame(reader->linktype(), (*p)->data);
    }
  }
  ::close(fd);
  return 0;
}
