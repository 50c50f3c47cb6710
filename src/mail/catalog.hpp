// Every message herd sends, in one catalog: its subject line and the texts of its body per locale
// (English, German, French, Spanish; other locales fall back to English), and how its body is laid
// out. Texts name their values as %{name} (%{instance}, %{username}, %{url}...).
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "mail/message.hpp"

namespace herd::mail {

// Subject keys: confirmation, email_change, email_changed, reset_password, password_changed,
// sign_in, mention, direct, follow, follow_request, report, pending_account, warning,
// archive_ready, test.
std::string subject(std::string_view key, std::string_view locale,
                    const std::map<std::string, std::string>& values);
// A body text by key ("reset.heading", "sign_in.browser"...; see catalog.cpp) in the locale.
std::string text(std::string_view key, std::string_view locale,
                 const std::map<std::string, std::string>& values);

// A message's body before it becomes text and HTML: greeting, paragraphs, an optional quoted
// text (a post), an optional button (label and absolute URL), and why the recipient got it.
struct Content {
  std::string subject;
  std::string heading;
  std::vector<std::string> paragraphs;
  std::string quote;
  std::string action_label, action_url;
  std::string footer;
  std::string locale = "en";  // of the recipient: the layout's own words ("Unsubscribe")
};

// The finished message to `to`: text/plain and text/html parts from `content`, From
// SMTP_FROM_ADDRESS, a fresh Message-ID on the instance's host, Date now, and List-Unsubscribe
// when `unsubscribe_url` is not empty.
Message compose(const App& app, const std::string& to, const Content& content,
                const std::string& unsubscribe_url = "");

}  // namespace herd::mail
