#include "http/params.hpp"

#include <gtest/gtest.h>

#include "api/dispatch.hpp"
#include "core/error.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace json = boost::json;
using namespace herd::http;

TEST(Params, RailsArraysAndNestedKeys) {
  json::object p;
  parse_urlencoded(
      "media_ids%5B%5D=1&media_ids[]=2&poll[options][]=a&poll[options][]=b&poll[expires_in]=300",
      p);
  EXPECT_EQ(param_strings(p, "media_ids"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(param_strings(p, "poll.options"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(param_int(p, "poll.expires_in"), 300);
}

TEST(Params, IndexedKeysReadAsArraysInIndexOrder) {
  json::object p;
  parse_urlencoded("id[1]=b&id[0]=a&id[10]=c", p);
  EXPECT_EQ(param_strings(p, "id"), (std::vector<std::string>{"a", "b", "c"}));
  parse_urlencoded(
      "fields_attributes[1][name]=n2&fields_attributes[0][name]=n1&fields_attributes[0][value]=v1",
      p);
  auto fields = param_objects(p, "fields_attributes");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(param_string(fields[0], "name"), "n1");
  EXPECT_EQ(param_string(fields[0], "value"), "v1");
  EXPECT_EQ(param_string(fields[1], "name"), "n2");
}

TEST(Params, SingleValueWhereArrayExpected) {
  json::object p;
  parse_urlencoded("types=mention", p);
  EXPECT_EQ(param_strings(p, "types"), (std::vector<std::string>{"mention"}));
}

TEST(Params, BooleansInEveryClientSpelling) {
  for (const char* yes : {"true", "1", "True", "on", "TRUE"}) {
    json::object p;
    parse_urlencoded(std::string("sensitive=") + yes, p);
    EXPECT_EQ(param_bool(p, "sensitive"), true) << yes;
  }
  for (const char* no : {"false", "0", "False", "off", ""}) {
    json::object p;
    parse_urlencoded(std::string("sensitive=") + no, p);
    EXPECT_EQ(param_bool(p, "sensitive"), false) << no;
  }
  json::object p;
  parse_urlencoded("sensitive=maybe", p);
  EXPECT_THROW(param_bool(p, "sensitive"), herd::ApiError);
  EXPECT_EQ(param_bool(p, "absent"), std::nullopt);
}

TEST(Params, JsonBodyKeepsTypesAndMergesOverQuery) {
  Request r;
  r.method = "POST";
  r.target = "/api/v1/statuses?visibility=public&status=query";
  r.headers["content-type"] = "application/json; charset=utf-8";
  r.body = R"({"status":"hello","sensitive":true,"poll":{"options":["a","b"],"expires_in":600}})";
  parse_request(r);
  EXPECT_EQ(param_string(r.params, "status"), "hello");
  EXPECT_EQ(param_string(r.params, "visibility"), "public");
  EXPECT_EQ(param_bool(r.params, "sensitive"), true);
  EXPECT_EQ(param_strings(r.params, "poll.options"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(param_int(r.params, "poll.expires_in"), 600);
}

// Found by fuzz_request_params: a JSON number out of int64's range was converted with undefined
// behaviour; it is a 400 like any other non-integer.
TEST(Params, IntegerOutOfRangeIsBadRequest) {
  for (const char* body : {R"({"limit":1e300})", R"({"limit":-1e19})"}) {
    Request r;
    r.method = "POST";
    r.target = "/api/v1/timelines/home";
    r.headers["content-type"] = "application/json";
    r.body = body;
    parse_request(r);
    try {
      param_int(r.params, "limit");
      FAIL() << body << ": expected an error";
    } catch (const herd::ApiError& e) {
      EXPECT_EQ(e.status(), 400) << body;
    }
  }
  json::object p{{"limit", 40.0}};
  EXPECT_EQ(param_int(p, "limit"), 40);
}

TEST(Params, MalformedJsonIsBadRequest) {
  Request r;
  r.method = "POST";
  r.target = "/api/v1/statuses";
  r.headers["content-type"] = "application/json";
  r.body = "{\"status\": ";
  try {
    parse_request(r);
    FAIL() << "expected an error";
  } catch (const herd::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
  }
  r.body = "[1,2]";
  EXPECT_THROW(parse_request(r), herd::ApiError);
}

TEST(Params, MultipartFieldsAndFiles) {
  Request r;
  r.method = "POST";
  r.target = "/api/v1/media";
  r.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  r.body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nA cat\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"media_ids[0]\"\r\n\r\n7\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.png\"\r\nContent-Type: "
      "image/png\r\n\r\n\x89PNG\r\n\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"thumbnail\"\r\nContent-Type: "
      "image/jpeg\r\n\r\nJPEG\r\n"
      "--XyZ--\r\n";
  parse_request(r);
  EXPECT_EQ(param_string(r.params, "description"), "A cat");
  EXPECT_EQ(param_strings(r.params, "media_ids"), (std::vector<std::string>{"7"}));
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].field, "file");
  EXPECT_EQ(r.files[0].filename, "c.png");
  EXPECT_EQ(r.files[0].data, "\x89PNG\r\n");
  EXPECT_EQ(r.files[1].field, "thumbnail");  // a part without filename is still a file
  EXPECT_EQ(r.files[1].filename, "");
}

TEST(Params, PercentDecodingOfPathAndPlusInForms) {
  Request r;
  r.method = "GET";
  r.target = "/tags/caf%C3%A9?q=a+b%2Bc";
  parse_request(r);
  EXPECT_EQ(r.path, "/tags/caf\xC3\xA9");
  EXPECT_EQ(param_string(r.params, "q"), "a b+c");
}

TEST(Router, CapturesLiteralsWinAndMethods) {
  Router router;
  router.get("/api/v1/accounts/:id", [](Request&) { return Response::text("id", "text/plain"); });
  router.get("/api/v1/accounts/verify_credentials",
             [](Request&) { return Response::text("verify", "text/plain"); });
  router.post("/api/v1/statuses/:id/favourite",
              [](Request&) { return Response::text("fav", "text/plain"); });
  Request r;
  r.method = "GET";
  r.path = "/api/v1/accounts/verify_credentials";
  const Handler* h = nullptr;
  ASSERT_EQ(router.route(r, &h), Router::Match::found);
  EXPECT_EQ((*h)(r).body, "verify");
  r.path = "/api/v1/accounts/123/";
  ASSERT_EQ(router.route(r, &h), Router::Match::found);
  EXPECT_EQ(r.path_param("id"), "123");
  r.method = "GET";
  r.path = "/api/v1/statuses/5/favourite";
  EXPECT_EQ(router.route(r, &h), Router::Match::method_not_allowed);
  r.path = "/api/v1/nothing";
  EXPECT_EQ(router.route(r, &h), Router::Match::not_found);
}

TEST(Router, QuickReadFollowsTheRouteTaken) {
  Router router;
  auto answer = [](Request&) { return Response::text("", "text/plain"); };
  router.get("/api/v1/timelines/:kind", answer);
  router.get("/api/v1/timelines/home", answer, Cost::quick_read);
  router.post("/api/v1/timelines/home", answer);
  Request r;
  r.method = "GET";
  r.path = "/api/v1/timelines/home/";
  EXPECT_TRUE(router.quick_read(r));  // the literal route wins over the capture
  r.method = "HEAD";
  EXPECT_TRUE(router.quick_read(r));
  r.method = "POST";
  EXPECT_FALSE(router.quick_read(r));
  r.method = "GET";
  r.path = "/api/v1/timelines/public";
  EXPECT_FALSE(router.quick_read(r));
  r.path = "/api/v1/nothing";
  EXPECT_FALSE(router.quick_read(r));
}

TEST(Router, QuickReadCarriesTheRouteAndItsCapturesToDispatch) {
  Router router;
  int routed_to_capture = 0;
  router.get("/api/v1/timelines/:kind", [&](Request&) {
    ++routed_to_capture;
    return Response::text("kind", "text/plain");
  });
  router.get(
      "/api/v1/timelines/tag/:hashtag",
      [](Request& r) { return Response::text("tag " + r.path_param("hashtag"), "text/plain"); },
      Cost::quick_read);
  router.get("/api/v1/accounts/:id/statuses",
             [](Request& r) { return Response::text("of " + r.path_param("id"), "text/plain"); });
  auto runs_inline = herd::api::make_runs_inline(router);
  auto dispatch = herd::api::make_dispatch(router);

  Request r;
  r.method = "GET";
  r.target = "/api/v1/timelines/tag/caf%C3%A9?limit=2";
  ASSERT_TRUE(runs_inline(r));  // parsed and routed once, there
  EXPECT_TRUE(r.parsed);
  EXPECT_EQ(r.path_param("hashtag"), "caf\xC3\xA9");
  ASSERT_NE(r.routed.handler, nullptr);
  EXPECT_EQ(*r.routed.pattern, "/api/v1/timelines/tag/:hashtag");
  EXPECT_EQ(dispatch(r).body, "tag caf\xC3\xA9");
  EXPECT_EQ(param_string(r.params, "limit"), "2");

  // A route that is no quick read is carried too (to the worker that runs it).
  Request other;
  other.method = "GET";
  other.target = "/api/v1/accounts/42/statuses";
  EXPECT_FALSE(runs_inline(other));
  EXPECT_EQ(dispatch(other).body, "of 42");

  // Dispatch runs the route carried, with its captures, without routing the path again.
  Request carried;
  carried.method = "GET";
  carried.target = "/api/v1/timelines/tag/cats";
  ASSERT_TRUE(runs_inline(carried));
  carried.path = "/api/v1/timelines/public";  // would route to the capture
  EXPECT_EQ(dispatch(carried).body, "tag cats");
  EXPECT_EQ(routed_to_capture, 0);

  // Without the check (HERD_INLINE_READS=0, or a request not asked), dispatch routes it.
  Request plain;
  plain.method = "GET";
  plain.target = "/api/v1/timelines/tag/dogs";
  EXPECT_EQ(dispatch(plain).body, "tag dogs");
  plain = Request{};
  plain.method = "GET";
  plain.target = "/api/v1/timelines/public";
  EXPECT_EQ(dispatch(plain).body, "kind");
  EXPECT_EQ(routed_to_capture, 1);
}
