#include "core/checksum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace latlab::agent {
namespace {

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (after
  // folding); the checksum is its complement.
  const std::vector<std::uint8_t> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_add(data), 0x2ddf0u);  // unfolded; folds to ddf2
  EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(Checksum, KnownIpv4Header) {
  // A well-known IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) with checksum b861.
  std::vector<std::uint8_t> header{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                   0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(header), 0xb861);
  header[10] = 0xb8;
  header[11] = 0x61;
  EXPECT_EQ(internet_checksum(header), 0);
}

TEST(Checksum, OddLengthPadsWithZero) {
  const std::vector<std::uint8_t> odd{0x12, 0x34, 0x56};
  const std::vector<std::uint8_t> even{0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(internet_checksum(odd), internet_checksum(even));
  EXPECT_EQ(internet_checksum(odd), static_cast<std::uint16_t>(~(0x1234 + 0x5600) & 0xffff));
}

TEST(Checksum, CarriesFold) {
  const std::vector<std::uint8_t> data(4000, 0xff);
  EXPECT_EQ(internet_checksum(data), 0x0000);
  const std::vector<std::uint8_t> zeros(64, 0);
  EXPECT_EQ(internet_checksum(zeros), 0xffff);
}

}  // namespace
}  // namespace latlab::agent
