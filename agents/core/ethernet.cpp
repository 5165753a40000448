#include "core/ethernet.h"

#include <algorithm>

#include "core/byte_order.h"

namespace latlab::agent {

std::size_t build_ethernet(std::span<std::uint8_t> out, const EthernetHeader& header) {
  if (out.size() < kEthernetHeaderSize) return 0;
  std::copy(header.dst.begin(), header.dst.end(), out.data());
  std::copy(header.src.begin(), header.src.end(), out.data() + 6);
  store_be16(out.data() + 12, header.ether_type);
  return kEthernetHeaderSize;
}

std::optional<EthernetFrame> parse_ethernet(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernetHeaderSize) return std::nullopt;
  EthernetFrame out;
  std::copy(frame.data(), frame.data() + 6, out.header.dst.begin());
  std::copy(frame.data() + 6, frame.data() + 12, out.header.src.begin());
  out.header.ether_type = load_be16(frame.data() + 12);
  std::size_t offset = kEthernetHeaderSize;
  if (out.header.ether_type == kEtherTypeVlan) {
    if (frame.size() < kEthernetHeaderSize + 4) return std::nullopt;
    out.header.ether_type = load_be16(frame.data() + 16);
    offset += 4;
  }
  out.payload = frame.subspan(offset);
  return out;
}

}  // namespace latlab::agent
