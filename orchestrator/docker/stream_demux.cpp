#include "docker/stream_demux.h"

#include <algorithm>

namespace latlab::docker {

void StreamDemux::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (remaining_ == 0) {
      const size_t take = std::min(header_.size() - header_got_, bytes.size());
      std::copy_n(bytes.begin(), take, header_.begin() + static_cast<std::ptrdiff_t>(header_got_));
      header_got_ += take;
      bytes.remove_prefix(take);
      if (header_got_ < header_.size()) return;
      header_got_ = 0;
      const unsigned k = header_[0] <= 3 ? header_[0] : 1;  // an unknown kind counts as stdout
      kind_ = static_cast<StreamKind>(k);
      remaining_ = (std::uint32_t{header_[4]} << 24) | (std::uint32_t{header_[5]} << 16) |
                   (std::uint32_t{header_[6]} << 8) | std::uint32_t{header_[7]};
      continue;
    }
    const size_t take = std::min<size_t>(remaining_, bytes.size());
    sink_(kind_, bytes.substr(0, take));
    remaining_ -= static_cast<std::uint32_t>(take);
    bytes.remove_prefix(take);
  }
}

}  // namespace latlab::docker
