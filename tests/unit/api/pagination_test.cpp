#include <gtest/gtest.h>

#include "api/pagination.hpp"
#include "core/error.hpp"

using namespace herd;

namespace {
http::Request request(const std::string& target) {
  http::Request r;
  r.method = "GET";
  r.target = target;
  http::parse_request(r);
  return r;
}
}  // namespace

TEST(Pagination, ReadsCursorsAndClampsLimit) {
  auto page = api::read_page(request("/x?limit=500&max_id=100&since_id=5&min_id=7"), 20, 40);
  EXPECT_EQ(page.limit, 40);
  EXPECT_EQ(page.max_id, 100);
  EXPECT_EQ(page.since_id, 5);
  EXPECT_EQ(page.min_id, 7);
  EXPECT_EQ(api::read_page(request("/x"), 20, 40).limit, 20);
  EXPECT_EQ(api::read_page(request("/x?limit=0"), 20, 40).limit, 1);
  EXPECT_EQ(api::read_page(request("/x?max_id=abc"), 20, 40).max_id, std::nullopt);
  EXPECT_THROW(api::read_page(request("/x?limit=many"), 20, 40), ApiError);
}

TEST(Pagination, LinkHeaderAbsoluteNextFirstParamsKept) {
  auto r = request("/api/v1/timelines/public?local=true&limit=2&max_id=900&types[]=mention");
  std::string link = api::link_header("https://example.com", r, {500, 400}, 2);
  EXPECT_EQ(link,
            "<https://example.com/api/v1/timelines/public?local=true&limit=2&types%5B%5D=mention&"
            "max_id=400>; rel=\"next\", <https://example.com/api/v1/timelines/public?local=true&"
            "limit=2&types%5B%5D=mention&min_id=500>; rel=\"prev\"");
}

TEST(Pagination, NoNextOnPartialPageNothingOnEmpty) {
  auto r = request("/api/v1/timelines/home?limit=20");
  std::string link = api::link_header("http://h", r, {10, 9}, 20);
  EXPECT_EQ(link.find("rel=\"next\""), std::string::npos);
  EXPECT_NE(link.find("min_id=10>; rel=\"prev\""), std::string::npos);
  EXPECT_EQ(api::link_header("http://h", r, {}, 20), "");
}
