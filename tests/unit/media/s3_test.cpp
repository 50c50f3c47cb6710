// media/s3: Signature Version 4 against the worked example of Amazon's S3 documentation
// ("Example: GET Object": examplebucket, test.txt, Range bytes=0-9, 24 May 2013).
#include "media/s3.hpp"

#include <gtest/gtest.h>

namespace herd::media {
namespace {

SigV4Request example_get() {
  SigV4Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", sha256_hex("")},
               {"x-amz-date", "20130524T000000Z"}};
  r.payload_sha256 = sha256_hex("");
  r.amz_date = "20130524T000000Z";
  r.region = "us-east-1";
  r.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  r.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  return r;
}

TEST(SigV4, DocumentedGetObjectExample) {
  SigV4Result out = sign_v4(example_get());
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(
      out.canonical_request,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(out.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, EveryInputChangesTheSignature) {
  std::string base = sign_v4(example_get()).signature;
  auto changed = [&](auto edit) {
    SigV4Request r = example_get();
    edit(r);
    return sign_v4(r).signature;
  };
  EXPECT_NE(changed([](SigV4Request& r) { r.secret_access_key += "x"; }), base);
  EXPECT_NE(changed([](SigV4Request& r) { r.region = "eu-west-1"; }), base);
  EXPECT_NE(changed([](SigV4Request& r) { r.path = "/test2.txt"; }), base);
  EXPECT_NE(changed([](SigV4Request& r) { r.method = "PUT"; }), base);
  EXPECT_NE(changed([](SigV4Request& r) { r.query["max-keys"] = "1"; }), base);
  // Header names are case-insensitive and values are trimmed: the same signature.
  EXPECT_EQ(changed([](SigV4Request& r) {
              r.headers.erase("Range");
              r.headers["RANGE"] = "  bytes=0-9 ";
            }),
            base);
}

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(uri_encode("media_attachments/files/a b+c~d.png", true),
            "media_attachments/files/a%20b%2Bc~d.png");
  EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(amz_date(std::chrono::system_clock::from_time_t(1369353600)), "20130524T000000Z");
}

TEST(S3Client, PublicUrls) {
  S3Settings settings;
  settings.bucket = "herd-media";
  settings.endpoint = "http://127.0.0.1:9000/";
  EXPECT_EQ(S3Client(settings).public_url("media_attachments/files/000/original.png"),
            "http://127.0.0.1:9000/herd-media/media_attachments/files/000/original.png");
  settings.alias_host = "files.example.com";
  EXPECT_EQ(S3Client(settings).public_url("media_attachments/files/000/original.png"),
            "https://files.example.com/media_attachments/files/000/original.png");
}

}  // namespace
}  // namespace herd::media
