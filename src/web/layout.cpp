// The page layout, escaping, cookies, CSRF and the shared sign-in form.
#include <algorithm>
#include <cctype>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "http/params.hpp"
#include "text/format.hpp"
#include "web/web.hpp"

namespace herd::web {

namespace {

constexpr const char* kStyle = R"css(
:root{color-scheme:light dark;--bg:#f3f5f8;--card:#fff;--text:#1f232b;--muted:#5d6779;
--accent:#5a4fcf;--accent-text:#fff;--border:#d9dee7;--danger:#b3261e}
@media (prefers-color-scheme:dark){:root{--bg:#17191f;--card:#22252d;--text:#e8eaf0;
--muted:#9aa3b5;--accent:#8c83ff;--accent-text:#111;--border:#363a45;--danger:#ff8a80}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,Ubuntu,sans-serif}
a{color:var(--accent)}
header.site{background:var(--card);border-bottom:1px solid var(--border);padding:.75rem 1rem}
header.site a.brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--text)}
main{max-width:42rem;margin:1.5rem auto;padding:0 1rem}
footer.site{max-width:42rem;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.875rem}
.card{background:var(--card);border:1px solid var(--border);border-radius:10px;padding:1.25rem;
margin-bottom:1rem}
h1{font-size:1.5rem;margin:0 0 .75rem}h2{font-size:1.15rem;margin:0 0 .5rem}
.muted{color:var(--muted)}.error{color:var(--danger);font-weight:600}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
label.check{font-weight:400;display:flex;gap:.5rem;align-items:flex-start}
input[type=text],input[type=email],input[type=password],textarea{width:100%;padding:.6rem;
border:1px solid var(--border);border-radius:6px;background:var(--bg);color:var(--text);font:inherit}
button,.button{display:inline-block;padding:.6rem 1.2rem;border-radius:6px;border:1px solid
var(--accent);background:var(--accent);color:var(--accent-text);font:inherit;font-weight:600;
cursor:pointer;text-decoration:none;margin-top:1rem}
button.secondary,.button.secondary{background:transparent;color:var(--accent)}
.actions{display:flex;gap:.75rem;flex-wrap:wrap}
ul.scopes li,ol.rules li{margin:.25rem 0}
.stats{display:flex;gap:1.5rem;flex-wrap:wrap}.stats strong{font-size:1.25rem;display:block}
.code{font-family:ui-monospace,monospace;font-size:1.05rem;width:100%;padding:.6rem;
border:1px solid var(--border);border-radius:6px;background:var(--bg);color:var(--text)}
.account{display:flex;gap:1rem;align-items:center}
.account img.avatar{width:80px;height:80px;border-radius:10px;object-fit:cover}
.status .meta{display:flex;gap:.75rem;align-items:center;margin-bottom:.5rem}
.status img.avatar{width:46px;height:46px;border-radius:8px;object-fit:cover}
.status .content p{margin:.25rem 0 .75rem}.status .content .invisible{display:none}
.status .content .ellipsis::after{content:"…"}
dl.fields{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dl.fields dt{font-weight:600}
dl.fields dd{margin:0}
form.inline{display:inline}
.status.focused{border-color:var(--accent);border-width:2px}
.thread.replies h2{margin:1.5rem 0 .75rem}
.media{display:grid;gap:.5rem;margin:.5rem 0}.media img,.media video{width:100%;max-height:30rem;
object-fit:contain;border-radius:8px;background:var(--bg)}.media audio{width:100%}
.media figure{margin:0}.media figcaption{color:var(--muted);font-size:.875rem}
.poll ul{list-style:none;padding:0;margin:.5rem 0}.poll li{margin:.35rem 0}
.poll meter{width:8rem;vertical-align:middle}.poll .option{font-weight:600}
nav.stats a{text-decoration:none;color:var(--text)}
ul.accounts{list-style:none;padding:0;margin:0}
nav.pages{text-align:center;margin:1rem 0 2rem}
)css";

bool safe_csp_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':' ||
           ch == '[' || ch == ']';
  });
}

}  // namespace

std::string h(std::string_view text) {
  return text::escape_html(text);
}

std::string url_attr(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    return true;
  };
  bool local_path = url.size() > 1 && url[0] == '/' && url[1] != '/' && url[1] != '\\';
  return starts("http://") || starts("https://") || local_path ? h(url) : "#";
}

std::string hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + h(name) + "\" value=\"" + h(value) + "\">";
}

std::string csrf_field(const store::WebSession& session) {
  return hidden(kCsrfField, session.csrf_token);
}

std::optional<std::string> form_action_source(std::string_view uri) {
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string scheme(uri.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  if (scheme == "urn") return std::nullopt;
  if (!std::all_of(scheme.begin(), scheme.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == '.';
      }))
    return std::nullopt;
  if (scheme != "http" && scheme != "https") return scheme + ":";
  std::string_view rest = uri.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return std::nullopt;
  std::string_view authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
  if (!safe_csp_token(authority)) return std::nullopt;
  return scheme + "://" + std::string(authority);
}

http::Response render(const App& app, const Page& page) {
  const std::string& site = app.config.instance_title;
  std::string title = page.title.empty() ? site : page.title + " - " + site;
  std::string out;
  out.reserve(page.body.size() + 4096);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"same-origin\"><title>";
  out += h(title);
  out += "</title><link rel=\"icon\" href=\"/favicon.ico\">";
  if (!page.feed_url.empty())
    out +=
        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"" + h(page.feed_url) + "\">";
  if (!page.oembed_url.empty())
    out += "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"" + h(page.oembed_url) +
           "\">";
  if (page.embed) out += "<base target=\"_blank\">";  // links leave the frame
  out += "<style>";
  out += kStyle;
  out += "</style></head><body>";
  if (page.embed) {
    out += "<main class=\"embed\">" + page.body + "</main></body></html>\n";
  } else {
    out += "<header class=\"site\"><a class=\"brand\" href=\"/\">";
    out += h(site);
    out += "</a></header><main>";
    out += page.body;
    out +=
        "</main><footer class=\"site\"><a href=\"/about\">About</a> · "
        "<a href=\"/privacy-policy\">Privacy policy</a> · "
        "<a href=\"/terms-of-service\">Terms of service</a> · Powered by herd</footer>"
        "</body></html>\n";
  }

  std::string form_action = "'self'";
  for (const auto& target : page.form_targets) form_action += " " + target;
  http::Response response = http::Response::html(std::move(out), page.status);
  response
      .with_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; "
                   "media-src 'self' https:; "
                   "form-action " +
                       form_action + "; frame-ancestors " + (page.embed ? "*" : "'none'") +
                       "; base-uri 'none'")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("Referrer-Policy", "same-origin")
      .with_header("Cache-Control", page.cacheable ? "public, max-age=60" : "no-store");
  if (!page.embed) response.with_header("X-Frame-Options", "DENY");
  return response;
}

http::Response message_page(const App& app, int status, std::string_view title,
                            std::string_view message) {
  Page page;
  page.title = std::string(title);
  page.status = status;
  page.body = "<section class=\"card\"><h1>" + h(title) + "</h1><p>" + h(message) +
              "</p><p><a href=\"/\">Back to the home page</a></p></section>";
  return render(app, page);
}

std::string form_value(const http::Request& request, std::string_view key) {
  auto it = request.params.find(key);
  if (it == request.params.end()) return "";
  const boost::json::value& value = it->value();
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return "";
}

http::Handler html_handler(App& app, PageFunction fn) {
  return [&app, fn](http::Request& request) {
    try {
      return fn(app, request);
    } catch (const ApiError& error) {
      const char* title = error.status() == 404   ? "Page not found"
                          : error.status() == 403 ? "Not allowed"
                          : error.status() == 401 ? "Sign-in required"
                                                  : "Something is wrong with this request";
      return message_page(app, error.status(), title, error.what());
    }
  };
}

// ---- sessions -----------------------------------------------------------------------------------

std::string cookie(const http::Request& request, std::string_view name) {
  std::string_view header = request.header("cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
    pos = end + 1;
  }
  return "";
}

std::optional<service::BrowserSession> current_session(App& app, const http::Request& request) {
  std::string token = cookie(request, kSessionCookie);
  if (token.empty()) return std::nullopt;
  return service::load_session(app, token);
}

service::BrowserSession form_session(App& app, const http::Request& request, bool& created) {
  if (auto session = current_session(app, request)) {
    created = false;
    return *session;
  }
  created = true;
  return service::BrowserSession{service::start_session(app), std::nullopt, std::nullopt};
}

void set_session_cookie(const App& app, http::Response& response,
                        const store::WebSession& session) {
  std::string value =
      std::string(kSessionCookie) + "=" + session.token + "; Path=/; HttpOnly; SameSite=Lax";
  if (session.user_id) value += "; Max-Age=" + std::to_string(service::kSessionLifetimeMs / 1000);
  if (app.config.local_https) value += "; Secure";
  response.with_header("Set-Cookie", value);
}

void clear_session_cookie(const App& app, http::Response& response) {
  std::string value = std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (app.config.local_https) value += "; Secure";
  response.with_header("Set-Cookie", value);
}

bool csrf_valid(const std::optional<service::BrowserSession>& session,
                const http::Request& request) {
  if (!session) return false;
  auto sent = http::param_string(request.params, kCsrfField);
  return sent && !sent->empty() && secure_equals(*sent, session->session.csrf_token);
}

std::string safe_return_to(std::string_view path) {
  if (path.empty() || path.size() > 4000 || path[0] != '/') return "/";
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return "/";
  for (char ch : path) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f || ch == '\\') return "/";
  }
  return std::string(path);
}

// ---- shared forms -------------------------------------------------------------------------------

std::string sign_in_form(const store::WebSession& session, std::string_view return_to,
                         std::string_view login, std::string_view error) {
  std::string out = "<form method=\"post\" action=\"/auth/sign_in\">";
  out += csrf_field(session);
  out += hidden("return_to", safe_return_to(return_to));
  if (!error.empty()) out += "<p class=\"error\" role=\"alert\">" + h(error) + "</p>";
  out +=
      "<label for=\"email\">Email address or username</label>"
      "<input type=\"text\" id=\"email\" name=\"email\" autocomplete=\"username\" "
      "autocapitalize=\"none\" spellcheck=\"false\" required value=\"" +
      h(login) +
      "\"><label for=\"password\">Password</label>"
      "<input type=\"password\" id=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required>"
      "<div class=\"actions\"><button type=\"submit\">Sign in</button></div></form>"
      "<p class=\"muted\"><a href=\"/auth/password/new\">Forgot your password?</a></p>";
  return out;
}

}  // namespace herd::web
