// Web helpers: redirect targets after sign-in, CSP form-action sources, cookies, escaping.
#include "web/web.hpp"

#include <gtest/gtest.h>

namespace herd::web {
namespace {

TEST(SafeReturnTo, OnlyLocalPaths) {
  EXPECT_EQ(safe_return_to("/oauth/authorize?client_id=x&scope=read"),
            "/oauth/authorize?client_id=x&scope=read");
  EXPECT_EQ(safe_return_to("/"), "/");
  EXPECT_EQ(safe_return_to(""), "/");
  EXPECT_EQ(safe_return_to("//evil.example/"), "/");
  EXPECT_EQ(safe_return_to("/\\evil.example/"), "/");
  EXPECT_EQ(safe_return_to("https://evil.example/"), "/");
  EXPECT_EQ(safe_return_to("javascript:alert(1)"), "/");
  EXPECT_EQ(safe_return_to("/a\r\nSet-Cookie: x=1"), "/");
  EXPECT_EQ(safe_return_to("/a\\b"), "/");
}

TEST(FormActionSource, OriginsOnly) {
  EXPECT_EQ(form_action_source("https://app.example/cb?x=1"), "https://app.example");
  EXPECT_EQ(form_action_source("http://127.0.0.1:9/herd-test-callback"), "http://127.0.0.1:9");
  EXPECT_EQ(form_action_source("com.example.app:/oauth"), "com.example.app:");
  EXPECT_EQ(form_action_source("urn:ietf:wg:oauth:2.0:oob"), std::nullopt);
  EXPECT_EQ(form_action_source("https://a.example;script-src *"), std::nullopt);
  EXPECT_EQ(form_action_source("https://user@a.example/"), std::nullopt);
  EXPECT_EQ(form_action_source("no-colon"), std::nullopt);
}

TEST(Cookies, FindsTheNamedCookie) {
  http::Request request;
  request.headers["cookie"] = "a=1; _herd_session=abc-DEF_123;b=2";
  EXPECT_EQ(cookie(request, "_herd_session"), "abc-DEF_123");
  EXPECT_EQ(cookie(request, "b"), "2");
  EXPECT_EQ(cookie(request, "c"), "");
  EXPECT_EQ(cookie(request, "_herd"), "");
}

TEST(Escaping, HiddenFieldsAreEscaped) {
  EXPECT_EQ(hidden("state", "\"><script>"),
            "<input type=\"hidden\" name=\"state\" value=\"&quot;&gt;&lt;script&gt;\">");
}

}  // namespace
}  // namespace herd::web
