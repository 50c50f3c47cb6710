// The RFC 5322 form of outgoing mail and the subject catalog.
#include "mail/message.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "mail/catalog.hpp"

namespace herd::mail {
namespace {

Message sample() {
  Message m;
  m.to = "alice@example.org";
  m.from = "Herd <notifications@example.org>";
  m.subject = "Hello";
  m.text = "plain body";
  m.html = "<p>html body</p>";
  m.message_id = "<1.2@example.org>";
  m.date = 1796526445783;  // 2026-12-06T03:07:25.783Z
  return m;
}

std::string header(const std::string& data, const std::string& name) {
  auto at = data.find("\r\n" + name + ": ");
  if (data.rfind(name + ": ", 0) == 0)
    at = 0;
  else if (at == std::string::npos)
    return "";
  else
    at += 2;
  auto end = data.find("\r\n", at);
  return data.substr(at + name.size() + 2, end - at - name.size() - 2);
}

TEST(MailMessage, HeadersAndBothParts) {
  std::string data = to_rfc5322(sample());
  EXPECT_EQ(header(data, "Date"), "Sun, 06 Dec 2026 03:07:25 +0000");
  EXPECT_EQ(header(data, "Message-ID"), "<1.2@example.org>");
  EXPECT_EQ(header(data, "To"), "alice@example.org");
  EXPECT_EQ(header(data, "Subject"), "Hello");
  EXPECT_EQ(header(data, "MIME-Version"), "1.0");
  EXPECT_EQ(header(data, "List-Unsubscribe"), "");
  EXPECT_NE(data.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(data.find(base64_encode("plain body")), std::string::npos);
  EXPECT_NE(data.find(base64_encode("<p>html body</p>")), std::string::npos);
  EXPECT_LT(data.find("text/plain"), data.find("text/html"));  // the preferred part last
}

TEST(MailMessage, UnsubscribeHeadersOnlyWhenGiven) {
  Message m = sample();
  m.list_unsubscribe = "https://example.org/unsubscribe?x=1";
  std::string data = to_rfc5322(m);
  EXPECT_EQ(header(data, "List-Unsubscribe"), "<https://example.org/unsubscribe?x=1>");
  EXPECT_EQ(header(data, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
}

TEST(MailMessage, NonAsciiSubjectIsEncodedAndLineBreaksCannotInjectHeaders) {
  Message m = sample();
  m.subject = "Bestätigung deiner E-Mail-Adresse";
  std::string encoded = header(to_rfc5322(m), "Subject");
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  m.subject = "Hi\r\nBcc: victim@example.org";
  std::string data = to_rfc5322(m);
  EXPECT_EQ(data.find("\r\nBcc:"), std::string::npos);
}

TEST(MailMessage, JsonRoundTripAndBareAddress) {
  Message m = sample();
  Message back = from_json(to_json(m));
  EXPECT_EQ(back.to, m.to);
  EXPECT_EQ(back.subject, m.subject);
  EXPECT_EQ(back.html, m.html);
  EXPECT_EQ(back.date, m.date);
  EXPECT_EQ(bare_address("Herd <n@example.org>"), "n@example.org");
  EXPECT_EQ(bare_address("n@example.org"), "n@example.org");
  EXPECT_THROW(from_json(boost::json::object{{"subject", "no recipient"}}), std::runtime_error);
}

TEST(MailCatalog, SubjectsByLocaleWithEnglishFallback) {
  std::map<std::string, std::string> values = {{"instance", "Herd"}, {"name", "@bob"}};
  EXPECT_EQ(subject("reset_password", "en", values), "Herd: Reset your password");
  EXPECT_EQ(subject("reset_password", "de-DE", values), "Herd: Passwort zurücksetzen");
  EXPECT_EQ(subject("follow", "fr", values), "@bob vous suit");
  EXPECT_EQ(subject("follow", "ja", values), "@bob is now following you");
}

}  // namespace
}  // namespace herd::mail
