#include "mail/smtp.hpp"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace herd::mail {

namespace {

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t room = size * count;
  std::size_t left = upload->data->size() - upload->offset;
  std::size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT && type != CURLINFO_TEXT) return 0;
  auto* transcript = static_cast<std::string*>(user);
  std::string line(data, size);
  if (type == CURLINFO_HEADER_OUT && line.rfind("AUTH", 0) == 0)
    line = line.substr(0, line.find(' ', 5)) + " (credentials hidden)\n";
  const char* prefix = type == CURLINFO_HEADER_IN    ? "S: "
                       : type == CURLINFO_HEADER_OUT ? "C: "
                                                     : "* ";
  transcript->append(prefix).append(line);
  if (!line.empty() && line.back() != '\n') transcript->push_back('\n');
  return 0;
}

}  // namespace

SmtpOutcome send_smtp(const Config& config, const std::string& from, const std::string& to,
                      const std::string& data, bool want_transcript) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  SmtpOutcome outcome;
  CURL* curl = curl_easy_init();
  if (!curl) {
    outcome.error = "cannot start libcurl";
    return outcome;
  }
  std::string url = std::string(config.smtp_tls == "tls" ? "smtps://" : "smtp://") +
                    config.smtp_server + ":" + std::to_string(config.smtp_port);
  Upload upload{&data};
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  std::string sender = "<" + from + ">";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, sender.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (config.smtp_tls == "starttls") curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (config.smtp_tls != "none") {
    bool verify = config.smtp_openssl_verify_mode == "peer";
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (!config.smtp_ca_file.empty())
      curl_easy_setopt(curl, CURLOPT_CAINFO, config.smtp_ca_file.c_str());
  }
  std::string login_options;
  if (config.smtp_auth_method != "none" && !config.smtp_login.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config.smtp_login.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config.smtp_password.c_str());
    login_options = config.smtp_auth_method == "login"      ? "AUTH=LOGIN"
                    : config.smtp_auth_method == "cram_md5" ? "AUTH=CRAM-MD5"
                                                            : "AUTH=PLAIN";
    curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS, login_options.c_str());
  }
  if (want_transcript) {
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &outcome.transcript);
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  CURLcode result = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.code);
  if (result == CURLE_OK) {
    outcome.sent = true;
  } else {
    outcome.error = error_buffer[0] ? error_buffer : curl_easy_strerror(result);
    if (outcome.code) outcome.error += " (SMTP " + std::to_string(outcome.code) + ")";
    // 5xx to MAIL FROM / RCPT TO / DATA: the server refuses this message for good. A refused
    // login (535) is a configuration problem the admin can fix: retried.
    bool setup_problem = result == CURLE_LOGIN_DENIED || result == CURLE_USE_SSL_FAILED ||
                         result == CURLE_COULDNT_CONNECT || result == CURLE_OPERATION_TIMEDOUT;
    outcome.permanent = outcome.code >= 500 && outcome.code < 600 && !setup_problem;
  }
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  return outcome;
}

}  // namespace herd::mail
