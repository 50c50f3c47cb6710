#include "service/instance_documents.hpp"

#include "core/time.hpp"
#include "store/accounts.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

std::string key_of(InstanceDocument kind) {
  switch (kind) {
    case InstanceDocument::privacy_policy:
      return "document.privacy_policy";
    case InstanceDocument::terms_of_service:
      return "document.terms_of_service";
    case InstanceDocument::extended_description:
      return "document.extended_description";
  }
  return "";
}

// Plain text as paragraphs: HTML escaped, blank lines between <p>, single newlines as <br>.
std::string paragraphs(const std::string& text) {
  std::string out, paragraph;
  auto flush = [&] {
    while (!paragraph.empty() && paragraph.back() == '\n') paragraph.pop_back();
    if (paragraph.empty()) return;
    std::string html;
    for (char ch : paragraph)
      html += ch == '\n' ? std::string("<br>") : text::escape_html({&ch, 1});
    out += "<p>" + html + "</p>";
    paragraph.clear();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos)
      flush();
    else
      paragraph += line + "\n";
    start = end + 1;
  }
  flush();
  return out;
}

// The instance's name, domain and admin email, HTML-escaped, for the templates.
struct Names {
  std::string site, domain, email;
  explicit Names(const App& app)
      : site(text::escape_html(app.config.instance_title)),
        domain(text::escape_html(app.domain())),
        email(text::escape_html(app.config.admin_email)) {}
};

std::string privacy_template(const App& app) {
  auto [site, domain, email] = Names(app);
  return "<p>This policy describes how " + site + " (" + domain +
         ") handles your information.</p>"
         "<h2>What we collect</h2><ul>"
         "<li><strong>Account information:</strong> your username, email address and password "
         "(stored only as a salted hash). Your username, display name, profile text and pictures "
         "are public.</li><li><strong>Posts:</strong> what you post, with its visibility. Public "
         "and unlisted posts can be seen by anyone; followers-only and direct posts are delivered "
         "to their audience, including on other servers, whose operators can read them.</li>"
         "<li><strong>Technical data:</strong> the IP addresses and browsers used to reach this "
         "server may appear in server logs, kept only as long as needed to operate the "
         "service.</li></ul>"
         "<h2>How it is used</h2><p>Only to provide the service: show your posts to your "
         "audience, deliver them to other servers you interact with, and keep the server safe. "
         "Nothing is sold or shared for advertising.</p>"
         "<h2>Cookies</h2><p>One cookie keeps you signed in to this site and protects its forms. "
         "There is no tracking.</p>"
         "<h2>Your choices</h2><p>You can edit or delete your posts and profile at any time. To "
         "export or delete your account, write to the administrator.</p>"
         "<h2>Contact</h2><p>Questions about this policy: <a href=\"mailto:" +
         email + "\">" + email + "</a>.</p>";
}

std::string terms_template(const App& app) {
  auto [site, domain, email] = Names(app);
  return "<p>By using " + site + " (" + domain +
         ") you agree to these terms and to the <a href=\"/about\">server rules</a>.</p><ol>"
         "<li>You are responsible for what you post. Do not post anything illegal, and respect "
         "the server rules.</li>"
         "<li>The moderators may remove content or suspend accounts that break the rules.</li>"
         "<li>This server is part of a federated network: what you make public is sent to other "
         "servers, which this server does not control.</li>"
         "<li>The service is provided as is, without guarantee of availability.</li>"
         "<li>These terms may change; the current version is always on this page.</li></ol>"
         "<p>Contact: <a href=\"mailto:" +
         email + "\">" + email + "</a>.</p>";
}

}  // namespace

std::optional<InstanceDocument> parse_instance_document(std::string_view name) {
  if (name == "privacy_policy") return InstanceDocument::privacy_policy;
  if (name == "terms_of_service") return InstanceDocument::terms_of_service;
  if (name == "extended_description") return InstanceDocument::extended_description;
  return std::nullopt;
}

DocumentContent instance_document(App& app, InstanceDocument kind) {
  auto stored = app.db->read_value([&](store::Connection& c) {
    return std::make_pair(store::get_setting(c, key_of(kind)),
                          store::get_setting(c, key_of(kind) + ".updated_at"));
  });
  if (stored.first && !stored.first->empty()) {
    DocumentContent content{paragraphs(*stored.first), std::nullopt, *stored.first};
    if (stored.second) content.updated_at = std::stoll(*stored.second);
    return content;
  }
  switch (kind) {
    case InstanceDocument::privacy_policy:
      return {privacy_template(app), std::nullopt, ""};
    case InstanceDocument::terms_of_service:
      return {terms_template(app), std::nullopt, ""};
    case InstanceDocument::extended_description:
      break;
  }
  return {"", std::nullopt, ""};
}

DocumentContent set_instance_document(App& app, InstanceDocument kind, const std::string& text) {
  std::int64_t now = now_unix_ms();
  app.db->write([&](store::Connection& c) {
    store::put_setting(c, key_of(kind), text);
    store::put_setting(c, key_of(kind) + ".updated_at", std::to_string(now));
  });
  return instance_document(app, kind);
}

}  // namespace herd::service
