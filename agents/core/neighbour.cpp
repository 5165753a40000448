#include "core/neighbour.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace latlab::agent {

namespace {

std::string_view next_field(std::string_view& line) {
  std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  std::size_t end = line.find_first_of(" \t", start);
  std::string_view field = line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  line = end == std::string_view::npos ? std::string_view{} : line.substr(end);
  return field;
}

}  // namespace

std::optional<MacAddress> find_neighbour(std::string_view text, const Ipv4Address& ip, const std::string& device) {
  const std::string wanted = format_ipv4(ip);
  bool header = true;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (header) {
      header = false;
      continue;
    }
    // IP address, HW type, Flags, HW address, Mask, Device
    const std::string_view addr = next_field(line);
    next_field(line);
    const std::string_view flags = next_field(line);
    const std::string_view mac = next_field(line);
    next_field(line);
    const std::string_view dev = next_field(line);
    if (addr != wanted || dev != device) continue;
    const unsigned long f = std::strtoul(std::string(flags).c_str(), nullptr, 16);
    if ((f & 0x2) == 0) continue;  // ATF_COM: complete
    auto parsed = parse_mac(mac);
    if (parsed && *parsed != MacAddress{}) return parsed;
  }
  return std::nullopt;
}

std::optional<MacAddress> lookup_neighbour(const Ipv4Address& ip, const std::string& device) {
  const int fd = ::open("/proc/net/arp", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) text.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return find_neighbour(text, ip, device);
}

}  // namespace latlab::agent
