// Docker's multiplexed stream, fed in every split of the same bytes: frames
// whose headers or payloads are cut anywhere come out the same.
#include "docker/stream_demux.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace latlab::docker {
namespace {

std::string frame(unsigned kind, const std::string& payload) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(kind);
  const auto n = static_cast<std::uint32_t>(payload.size());
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>(n >> 16);
  h[6] = static_cast<char>(n >> 8);
  h[7] = static_cast<char>(n);
  return h + payload;
}

struct Collected {
  std::string out, err;
};

Collected run(const std::string& bytes, const std::vector<size_t>& cuts) {
  Collected c;
  StreamDemux d([&](StreamKind k, std::string_view s) { (k == StreamKind::stderr_ ? c.err : c.out).append(s); });
  size_t from = 0;
  for (size_t cut : cuts) {
    d.feed(std::string_view(bytes).substr(from, cut - from));
    from = cut;
  }
  d.feed(std::string_view(bytes).substr(from));
  EXPECT_FALSE(d.mid_frame());
  return c;
}

TEST(StreamDemux, WholeFrames) {
  const std::string bytes = frame(1, "line 1\n") + frame(2, "warn\n") + frame(1, "") + frame(1, "line 2\n");
  auto c = run(bytes, {});
  EXPECT_EQ(c.out, "line 1\nline 2\n");
  EXPECT_EQ(c.err, "warn\n");
}

TEST(StreamDemux, EverySplitPointAndByteByByte) {
  std::string big(70000, 'a');  // a length that needs three of the four bytes
  big.back() = 'z';
  const std::string bytes = frame(1, "out") + frame(2, "err") + frame(1, big) + frame(2, std::string(1, '\0'));
  for (size_t i = 0; i <= 40; ++i) {
    for (size_t j = i; j <= 40; j += 3) {
      auto c = run(bytes, {i, j});
      ASSERT_EQ(c.out, "out" + big) << i << "," << j;
      ASSERT_EQ(c.err, std::string("err") + '\0') << i << "," << j;
    }
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < bytes.size(); ++i) every.push_back(i);
  auto c = run(bytes, every);
  EXPECT_EQ(c.out, "out" + big);
  EXPECT_EQ(c.err, std::string("err") + '\0');
}

TEST(StreamDemux, LengthIsBigEndian) {
  std::string payload(0x01'02'03, 'p');
  Collected c;
  StreamDemux d([&](StreamKind, std::string_view s) { c.out.append(s); });
  const std::string bytes = frame(1, payload);
  EXPECT_EQ(static_cast<unsigned char>(bytes[5]), 0x01);
  d.feed(std::string_view(bytes).substr(0, bytes.size() - 1));
  EXPECT_TRUE(d.mid_frame());
  d.feed(std::string_view(bytes).substr(bytes.size() - 1));
  EXPECT_FALSE(d.mid_frame());
  EXPECT_EQ(c.out.size(), payload.size());
}

}  // namespace
}  // namespace latlab::docker
