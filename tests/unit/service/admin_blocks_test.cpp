// The pure rules behind the admin's blocks: IP ranges as Mastodon stores them, and Mastodon's
// canonical email form (the key of canonical email blocks).
#include "service/admin_blocks.hpp"

#include <gtest/gtest.h>

using namespace herd;

TEST(IpRanges, AddressesGetTheirFullPrefix) {
  EXPECT_EQ(service::normalize_ip_range("192.0.2.7"), "192.0.2.7/32");
  EXPECT_EQ(service::normalize_ip_range("2001:db8::1"), "2001:db8::1/128");
}

TEST(IpRanges, HostBitsAreCleared) {
  EXPECT_EQ(service::normalize_ip_range("192.0.2.77/24"), "192.0.2.0/24");
  EXPECT_EQ(service::normalize_ip_range("10.1.2.3/9"), "10.0.0.0/9");
  EXPECT_EQ(service::normalize_ip_range("2001:db8:aaaa::1/32"), "2001:db8::/32");
  EXPECT_EQ(service::normalize_ip_range("0.0.0.0/0"), "0.0.0.0/0");
}

TEST(IpRanges, MalformedOnesAreRefused) {
  for (const char* bad : {"", "not-an-ip", "192.0.2.1/33", "2001:db8::/129", "192.0.2.1/",
                          "192.0.2.1/x", "192.0.2/24", "192.0.2.1/-1", "192.0.2.1/0024"})
    EXPECT_EQ(service::normalize_ip_range(bad), std::nullopt) << bad;
}

TEST(CanonicalEmail, DotsAndTagsOfTheLocalPartGo) {
  EXPECT_EQ(service::canonical_email("Some.One+news@Example.COM"), "someone@example.com");
  EXPECT_EQ(service::canonical_email("a.b.c@d.e.f"), "abc@d.e.f");
  EXPECT_EQ(service::canonical_email("plain@example.com"), "plain@example.com");
  EXPECT_EQ(service::canonical_email("x+y+z@example.com"), "x@example.com");
}

TEST(CanonicalEmail, TheHashIsSha256Hex) {
  EXPECT_EQ(
      service::canonical_email_hash("some.one+x@Example.com"),
      "72497f475e4f76d0b28f57c73a084ece576d170874eba3ee2609d9afe4b71aab");  // someone@example.com
  EXPECT_NE(service::canonical_email_hash("someone@example.com"),
            service::canonical_email_hash("someone@example.org"));
}
