// Addresses as values: strict parsing, canonical text, prefix arithmetic.
#include <gtest/gtest.h>

#include "scenario/net_types.h"

namespace latlab::scenario {
namespace {

std::string canon(const char* text) {
  auto a = IpAddr::parse(text);
  return a ? a->str() : "<invalid>";
}

std::string prefix(const char* text, bool bare = false) {
  auto p = Prefix::parse(text, bare);
  return p ? p->str() : "<invalid>";
}

TEST(IpAddr, ParsesDottedQuadsAndIpv6Only) {
  EXPECT_EQ(canon("198.18.0.1"), "198.18.0.1");
  EXPECT_EQ(IpAddr::parse("198.18.0.1")->family, 4);
  EXPECT_EQ(canon("2001:0002:0000::0001"), "2001:2::1");
  EXPECT_EQ(IpAddr::parse("::1")->family, 6);
  EXPECT_EQ(canon("::ffff:198.18.0.1"), "::ffff:198.18.0.1");
  for (const char* bad : {"", "10.1", "10.0.0.256", "010.0.0.1x", "1.2.3.4.5", "localhost", " 10.0.0.1",
                          "2001:::1", "fe80::1%eth0", "10.0.0.1/24"})
    EXPECT_EQ(canon(bad), "<invalid>") << bad;
}

TEST(IpAddr, Classes) {
  EXPECT_TRUE(IpAddr::parse("127.0.0.5")->is_loopback());
  EXPECT_TRUE(IpAddr::parse("::1")->is_loopback());
  EXPECT_FALSE(IpAddr::parse("::2")->is_loopback());
  EXPECT_TRUE(IpAddr::parse("224.0.0.1")->is_multicast());
  EXPECT_TRUE(IpAddr::parse("239.255.255.255")->is_multicast());
  EXPECT_TRUE(IpAddr::parse("255.255.255.255")->is_multicast()) << "limited broadcast is refused with multicast";
  EXPECT_TRUE(IpAddr::parse("ff02::1")->is_multicast());
  EXPECT_FALSE(IpAddr::parse("198.18.0.1")->is_multicast());
  EXPECT_TRUE(IpAddr::parse("0.0.0.0")->is_unspecified());
  EXPECT_TRUE(IpAddr::parse("::")->is_unspecified());
  EXPECT_FALSE(IpAddr{}.is_set());
  EXPECT_EQ(IpAddr{}.str(), "<unset>");
  EXPECT_EQ(IpAddr::v4(0xC6120001u).str(), "198.18.0.1");
}

TEST(Prefix, ParseAndFormat) {
  EXPECT_EQ(prefix("198.18.0.1/24"), "198.18.0.1/24") << "host bits are kept: it is an interface address";
  EXPECT_EQ(prefix("2001:2::1/64"), "2001:2::1/64");
  EXPECT_EQ(prefix("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(prefix("198.18.0.1"), "<invalid>");
  EXPECT_EQ(prefix("198.18.0.1", true), "198.18.0.1/32");
  EXPECT_EQ(prefix("2001:2::1", true), "2001:2::1/128");
  for (const char* bad : {"198.18.0.1/33", "2001:2::/129", "198.18.0.1/", "198.18.0.1/024", "198.18.0.1/2a",
                          "198.18.0.1/-1", "198.18.0.1/1000", "/24"})
    EXPECT_EQ(prefix(bad), "<invalid>") << bad;
}

TEST(Prefix, NetworkContainsOverlaps) {
  auto p = *Prefix::parse("198.18.3.77/22");
  EXPECT_EQ(p.network().str(), "198.18.0.0/22");
  EXPECT_TRUE(p.contains(*IpAddr::parse("198.18.3.255")));
  EXPECT_FALSE(p.contains(*IpAddr::parse("198.18.4.0")));
  EXPECT_FALSE(p.contains(*IpAddr::parse("::1"))) << "other family";
  EXPECT_EQ(Prefix::parse("2001:2:0:1:ffff::1/64")->network().str(), "2001:2:0:1::/64");
  EXPECT_EQ(Prefix::parse("198.18.255.1/15")->network().str(), "198.18.0.0/15");
  auto a = *Prefix::parse("198.18.0.0/16");
  auto b = *Prefix::parse("198.18.200.0/24");
  auto c = *Prefix::parse("198.19.0.0/24");
  EXPECT_TRUE(a.overlaps(b));
  EXPECT_TRUE(b.overlaps(a));
  EXPECT_FALSE(a.overlaps(c));
  EXPECT_FALSE(a.overlaps(*Prefix::parse("2001:2::/48")));
  EXPECT_TRUE(Prefix::parse("0.0.0.0/0")->contains(*IpAddr::parse("203.0.113.9")));
}

TEST(Prefix, Host) {
  auto p = *Prefix::parse("198.18.0.0/23");
  EXPECT_EQ(p.host(0)->str(), "198.18.0.0");
  EXPECT_EQ(p.host(1)->str(), "198.18.0.1");
  EXPECT_EQ(p.host(256)->str(), "198.18.1.0");
  EXPECT_EQ(p.host(511)->str(), "198.18.1.255");
  EXPECT_FALSE(p.host(512).has_value());
  EXPECT_EQ(Prefix::parse("2001:2::/64")->host(0x12d)->str(), "2001:2::12d");
  EXPECT_EQ(Prefix::parse("2001:2::/64")->host(uint64_t{1} << 40)->str(), "2001:2::100:0:0");
  EXPECT_EQ(Prefix::parse("198.18.0.9/32")->host(0)->str(), "198.18.0.9");
  EXPECT_FALSE(Prefix::parse("198.18.0.9/32")->host(1).has_value());
}

TEST(MacAddr, ParseFormatClasses) {
  auto m = MacAddr::parse("02:AB:cd:00:00:01");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->str(), "02:ab:cd:00:00:01");
  EXPECT_FALSE(m->is_multicast());
  EXPECT_TRUE(MacAddr::parse("01:00:5e:00:00:01")->is_multicast());
  EXPECT_TRUE(MacAddr::parse("ff:ff:ff:ff:ff:ff")->is_multicast());
  EXPECT_TRUE(MacAddr::parse("00:00:00:00:00:00")->is_zero());
  for (const char* bad : {"", "02:00:00:00:00", "02-00-00-00-00-01", "0200.0000.0001", "02:00:00:00:00:0g",
                          "02:00:00:00:00:001", "2:0:0:0:0:1"})
    EXPECT_FALSE(MacAddr::parse(bad).has_value()) << bad;
}

}  // namespace
}  // namespace latlab::scenario
