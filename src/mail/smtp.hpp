// Sending one message over SMTP with libcurl, as the SMTP_* settings say: SMTP_TLS starttls
// (STARTTLS required before anything is sent), tls (implicit TLS, smtps://) or none;
// SMTP_AUTH_METHOD plain | login | cram_md5 (with SMTP_LOGIN/SMTP_PASSWORD) or none;
// SMTP_OPENSSL_VERIFY_MODE peer (certificate and host name checked, against SMTP_CA_FILE when
// set) or none. Blocking (at most ~60 s); call it from a background thread.
#pragma once
#include <string>

#include "core/config.hpp"

namespace herd::mail {

struct SmtpOutcome {
  bool sent = false;
  // A failure that retrying cannot fix (a 5xx answer to the message or its recipient);
  // anything else (no connection, TLS, 4xx, authentication refused) is worth retrying later.
  bool permanent = false;
  long code = 0;           // the server's last reply code (0 when it never answered)
  std::string error;       // what went wrong, for logs and the admin ("" when sent)
  std::string transcript;  // the SMTP conversation (AUTH lines hidden), when asked for
};

// Sends `data` (an RFC 5322 message) from `from` (a bare address) to `to`.
SmtpOutcome send_smtp(const Config& config, const std::string& from, const std::string& to,
                      const std::string& data, bool want_transcript = false);

}  // namespace herd::mail
