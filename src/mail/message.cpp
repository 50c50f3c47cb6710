#include "mail/message.hpp"

#include <boost/json.hpp>
#include <ctime>

#include "core/crypto.hpp"

namespace herd::mail {

namespace json = boost::json;

namespace {

bool ascii_printable(const std::string& text) {
  for (unsigned char ch : text)
    if (ch < 0x20 || ch > 0x7e) return false;
  return true;
}

// A header value without line breaks (a header injection is impossible by construction).
std::string single_line(std::string text) {
  for (char& ch : text)
    if (ch == '\r' || ch == '\n') ch = ' ';
  return text;
}

// RFC 2047 encoded-word (base64), split so that no encoded word exceeds 75 characters.
std::string encode_header(const std::string& raw) {
  std::string text = single_line(raw);
  if (ascii_printable(text)) return text;
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = std::min(text.size(), pos + 45);
    // never split a UTF-8 sequence: back up to a lead byte
    while (end < text.size() && end > pos && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

// base64 body wrapped at 76 characters.
std::string base64_lines(const std::string& data) {
  std::string encoded = base64_encode(data);
  std::string out;
  for (std::size_t pos = 0; pos < encoded.size(); pos += 76)
    out += encoded.substr(pos, 76) + "\r\n";
  return out;
}

std::string field(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string rfc5322_date(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::string bare_address(const std::string& from) {
  auto open = from.rfind('<');
  auto close = from.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open)
    return from.substr(open + 1, close - open - 1);
  return from;
}

std::string to_rfc5322(const Message& m) {
  std::string boundary = "herd-" + random_token(12);
  std::string out;
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "From: " + single_line(m.from) + "\r\n";
  out += "To: " + single_line(m.to) + "\r\n";
  out += "Subject: " + encode_header(m.subject) + "\r\n";
  out += "Message-ID: " + single_line(m.message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  if (!m.list_unsubscribe.empty()) {
    out += "List-Unsubscribe: <" + single_line(m.list_unsubscribe) + ">\r\n";
    out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += base64_lines(m.text);
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += base64_lines(m.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

json::object to_json(const Message& m) {
  return json::object{{"to", m.to},
                      {"from", m.from},
                      {"subject", m.subject},
                      {"text", m.text},
                      {"html", m.html},
                      {"message_id", m.message_id},
                      {"list_unsubscribe", m.list_unsubscribe},
                      {"date", m.date}};
}

Message from_json(const json::value& value) {
  const json::object& o = value.as_object();
  Message m;
  m.to = field(o, "to");
  m.from = field(o, "from");
  m.subject = field(o, "subject");
  m.text = field(o, "text");
  m.html = field(o, "html");
  m.message_id = field(o, "message_id");
  m.list_unsubscribe = field(o, "list_unsubscribe");
  if (const json::value* d = o.if_contains("date"); d && d->is_int64()) m.date = d->as_int64();
  if (m.to.empty()) throw std::runtime_error("mail job without a recipient");
  return m;
}

}  // namespace herd::mail
