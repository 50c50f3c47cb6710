// An outgoing email and its RFC 5322 / MIME form. Every message herd sends has a plain-text and
// an HTML part (multipart/alternative, both UTF-8, base64 transfer encoding so that no line is
// too long whatever the text), Date, Message-ID, MIME-Version and Auto-Submitted headers, and a
// List-Unsubscribe (RFC 2369) with List-Unsubscribe-Post (RFC 8058 one-click) when the message
// is a notification the recipient can turn off.
#pragma once
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>

namespace herd::mail {

struct Message {
  std::string to;                // one address
  std::string from;              // SMTP_FROM_ADDRESS (may be "Name <addr>")
  std::string subject;           // UTF-8; encoded (RFC 2047) when not ASCII
  std::string text;              // the text/plain part
  std::string html;              // the text/html part (a complete document)
  std::string message_id;        // "<id@domain>"
  std::string list_unsubscribe;  // absolute https URL, or "" for messages one cannot turn off
  std::int64_t date = 0;         // unix ms: the Date header
};

// The message as sent over SMTP (CRLF line ends, headers then body).
std::string to_rfc5322(const Message& message);
// The bare address of a From value: "Name <a@b>" gives "a@b"; "a@b" stays.
std::string bare_address(const std::string& from);
// RFC 5322 date-time in UTC, e.g. "Sun, 06 Dec 2026 02:39:30 +0000".
std::string rfc5322_date(std::int64_t unix_ms);

// The message as JSON (the job payload) and back; from_json throws on a malformed payload.
boost::json::object to_json(const Message& message);
Message from_json(const boost::json::value& value);

}  // namespace herd::mail
