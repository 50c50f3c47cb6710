// The outbound client's SSRF guard: address classification, the allow-list (addresses and
// CIDRs), the scheme rule and refusal before any connection is made.
#include "federation/http_client.hpp"

#include <gtest/gtest.h>

using namespace herd;
using namespace herd::federation;

TEST(SsrfGuard, ClassifiesIPv4Ranges) {
  EXPECT_EQ(classify_address("8.8.8.8"), AddressKind::public_);
  EXPECT_EQ(classify_address("93.184.216.34"), AddressKind::public_);
  EXPECT_EQ(classify_address("127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(classify_address("127.0.0.3"), AddressKind::loopback);
  EXPECT_EQ(classify_address("10.1.2.3"), AddressKind::private_);
  EXPECT_EQ(classify_address("172.16.0.1"), AddressKind::private_);
  EXPECT_EQ(classify_address("172.31.255.255"), AddressKind::private_);
  EXPECT_EQ(classify_address("172.32.0.1"), AddressKind::public_);
  EXPECT_EQ(classify_address("192.168.1.1"), AddressKind::private_);
  EXPECT_EQ(classify_address("100.64.0.1"), AddressKind::private_);
  EXPECT_EQ(classify_address("169.254.169.254"), AddressKind::link_local);
  EXPECT_EQ(classify_address("0.0.0.0"), AddressKind::unspecified);
  EXPECT_EQ(classify_address("224.0.0.1"), AddressKind::multicast);
  EXPECT_EQ(classify_address("255.255.255.255"), AddressKind::reserved);
  EXPECT_EQ(classify_address("192.0.2.10"), AddressKind::reserved);
  EXPECT_EQ(classify_address("198.18.0.1"), AddressKind::reserved);
}

TEST(SsrfGuard, ClassifiesIPv6RangesAndMappedAddresses) {
  EXPECT_EQ(classify_address("2606:4700::1111"), AddressKind::public_);
  EXPECT_EQ(classify_address("::1"), AddressKind::loopback);
  EXPECT_EQ(classify_address("[::1]"), AddressKind::loopback);
  EXPECT_EQ(classify_address("::"), AddressKind::unspecified);
  EXPECT_EQ(classify_address("fe80::1%eth0"), AddressKind::link_local);
  EXPECT_EQ(classify_address("fd12:3456::1"), AddressKind::unique_local);
  EXPECT_EQ(classify_address("fc00::1"), AddressKind::unique_local);
  EXPECT_EQ(classify_address("ff02::1"), AddressKind::multicast);
  EXPECT_EQ(classify_address("2001:db8::1"), AddressKind::reserved);
  // IPv4-mapped and NAT64 forms are judged by their IPv4 address.
  EXPECT_EQ(classify_address("::ffff:127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(classify_address("::ffff:10.0.0.1"), AddressKind::private_);
  EXPECT_EQ(classify_address("::ffff:8.8.8.8"), AddressKind::public_);
  EXPECT_EQ(classify_address("64:ff9b::a9fe:a9fe"), AddressKind::link_local);
}

TEST(SsrfGuard, RejectsNonAddresses) {
  EXPECT_FALSE(classify_address("example.com"));
  EXPECT_FALSE(classify_address(""));
  EXPECT_FALSE(classify_address("127.1"));  // inet_pton's strict dotted quad only
  EXPECT_FALSE(classify_address("0x7f.0.0.1"));
  EXPECT_FALSE(address_allowed("localhost", {}));
}

TEST(SsrfGuard, AllowListTakesAddressesAndCidrs) {
  std::vector<std::string> list{"127.0.0.2", "10.0.0.0/8", "fd00::/8", "bogus/x", "192.168.0.0/99"};
  EXPECT_TRUE(address_listed("127.0.0.2", list));
  EXPECT_FALSE(address_listed("127.0.0.3", list));
  EXPECT_TRUE(address_listed("10.200.0.1", list));
  EXPECT_TRUE(address_listed("fd00::5", list));
  EXPECT_FALSE(address_listed("fe80::5", list));
  EXPECT_FALSE(address_listed("192.168.0.1", list));
  EXPECT_TRUE(address_listed("::ffff:127.0.0.2", list));
  EXPECT_TRUE(address_listed("127.0.0.9", {"127.0.0.0/8"}));
  EXPECT_TRUE(address_listed("1.2.3.4", {"0.0.0.0/0"}));

  EXPECT_TRUE(address_allowed("8.8.8.8", {}));
  EXPECT_FALSE(address_allowed("127.0.0.1", {}));
  EXPECT_TRUE(address_allowed("127.0.0.2", list));
  EXPECT_FALSE(address_allowed("169.254.169.254", list));
}

TEST(SsrfGuard, ClientRefusesBeforeConnecting) {
  ClientOptions options;
  HttpClient client(options);
  EXPECT_THROW(client.check_url("http://8.8.8.8/"), FetchError);  // http not allowed
  try {
    client.check_url("https://127.0.0.1:1/users/x");
    FAIL();
  } catch (const FetchError& error) {
    EXPECT_EQ(error.kind(), FetchError::Kind::refused);
  }
  try {
    client.check_url("https://[::1]/x");
    FAIL();
  } catch (const FetchError& error) {
    EXPECT_EQ(error.kind(), FetchError::Kind::refused);
  }
  EXPECT_THROW(client.check_url("https://localhost/x"), FetchError);
  EXPECT_THROW(client.check_url("ftp://8.8.8.8/x"), FetchError);
  EXPECT_THROW(client.check_url("https://user:pw@8.8.8.8/x"), FetchError);
  EXPECT_THROW(client.check_url("/relative"), FetchError);
  EXPECT_EQ(client.check_url("https://8.8.8.8/x"), "8.8.8.8");
  EXPECT_THROW(client.get("https://127.0.0.1:9/x", std::nullopt), FetchError);

  options.allow_http = true;
  options.allowed_private_addresses = {"127.0.0.0/8"};
  HttpClient test_client(options);
  EXPECT_EQ(test_client.check_url("http://127.0.0.3:8080/x"), "127.0.0.3");
  EXPECT_EQ(test_client.check_url("http://localhost:8080/x"), "127.0.0.1");
}

TEST(SsrfGuard, OptionsFollowTheConfiguration) {
  Config config;
  config.local_domain = "herd.example";
  config.local_https = true;
  config.allow_http_federation = true;
  ClientOptions options = client_options(config);
  EXPECT_FALSE(options.allow_http);  // https instances never federate over http
  EXPECT_EQ(options.user_agent, std::string("herd/") + HERD_VERSION + " (+https://herd.example/)");
  config.local_https = false;
  EXPECT_TRUE(client_options(config).allow_http);
  config.allow_http_federation = false;
  EXPECT_FALSE(client_options(config).allow_http);
}
