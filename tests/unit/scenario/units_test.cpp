// Units in scenario values: durations, tc-style rates and sizes, percentages.
#include <gtest/gtest.h>

#include "scenario/units.h"

namespace latlab::scenario {
namespace {

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("0"), 0u);
  EXPECT_EQ(parse_duration("250ns"), 250u);
  EXPECT_EQ(parse_duration("200us"), 200'000u);
  EXPECT_EQ(parse_duration("1.5ms"), 1'500'000u);
  EXPECT_EQ(parse_duration(".5s"), 500'000'000u);
  EXPECT_EQ(parse_duration("2s"), 2'000'000'000u);
  EXPECT_EQ(parse_duration("1m"), 60'000'000'000u);
  EXPECT_EQ(parse_duration("0ms"), 0u);
  for (const char* bad : {"", "10", "ms", "-1ms", "+1ms", "1 ms", "1h", "1MS", "1.2.3ms", "1e3ms", "1ms "})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

TEST(Units, FormatDuration) {
  EXPECT_EQ(format_duration(0), "0");
  EXPECT_EQ(format_duration(250), "250ns");
  EXPECT_EQ(format_duration(1500), "1500ns");
  EXPECT_EQ(format_duration(200'000), "200us");
  EXPECT_EQ(format_duration(1'500'000), "1500us");
  EXPECT_EQ(format_duration(10'000'000), "10ms");
  EXPECT_EQ(format_duration(60'000'000'000), "60s");
  for (const char* text : {"250ns", "200us", "10ms", "2s"})
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
}

TEST(Units, RatesInBitsPerSecond) {
  EXPECT_EQ(parse_rate("100bit"), 100u);
  EXPECT_EQ(parse_rate("1kbit"), 1'000u);
  EXPECT_EQ(parse_rate("100mbit"), 100'000'000u);
  EXPECT_EQ(parse_rate("1gbit"), 1'000'000'000u);
  EXPECT_EQ(parse_rate("2.5gbit"), 2'500'000'000u);
  EXPECT_EQ(parse_rate("1bps"), 8u) << "tc: bps is bytes per second";
  EXPECT_EQ(parse_rate("10mbps"), 80'000'000u);
  EXPECT_EQ(parse_rate("1gbps"), 8'000'000'000u);
  for (const char* bad : {"", "100", "1 gbit", "1Gbit", "1gb", "-1mbit", "mbit"})
    EXPECT_FALSE(parse_rate(bad).has_value()) << bad;
}

TEST(Units, SizesInBytes) {
  EXPECT_EQ(parse_size("64"), 64u);
  EXPECT_EQ(parse_size("64b"), 64u);
  EXPECT_EQ(parse_size("32k"), 32u * 1024);
  EXPECT_EQ(parse_size("32kb"), 32u * 1024);
  EXPECT_EQ(parse_size("1m"), 1024u * 1024);
  EXPECT_EQ(parse_size("1mb"), 1024u * 1024);
  EXPECT_EQ(parse_size("8kbit"), 1024u);
  EXPECT_EQ(parse_size("8mbit"), 1024u * 1024);
  for (const char* bad : {"", "kb", "1 kb", "1gb", "-1k", "1KB"})
    EXPECT_FALSE(parse_size(bad).has_value()) << bad;
}

TEST(Units, PercentagesAsFractions) {
  EXPECT_EQ(parse_percent("5%"), 0.05);
  EXPECT_EQ(parse_percent("2.5%"), 0.025);
  EXPECT_EQ(parse_percent("2.3%"), 0.023) << "scaled in the text, not by dividing a rounded 2.3";
  EXPECT_EQ(parse_percent("100%"), 1.0);
  EXPECT_EQ(parse_percent("0%"), 0.0);
  EXPECT_EQ(parse_percent(".5%"), 0.005);
  for (const char* bad : {"", "%", "5", "0.05", "5 %", "-5%", "+5%", "5%%", "5e1%", "five%", "5%x"})
    EXPECT_FALSE(parse_percent(bad).has_value()) << bad;
}

}  // namespace
}  // namespace latlab::scenario
