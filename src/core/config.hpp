// Instance configuration: defaults, then a TOML file (HERD_CONFIG or --config), then environment
// variables. Mastodon's names where they exist (LOCAL_DOMAIN, SMTP_SERVER, DATABASE_URL...), herd's
// own as HERD_*. load() validates everything and throws ConfigError naming the bad setting.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace herd {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Registrations { open, approval, closed };

// At most `limit` requests per `period_seconds` (a fixed window, as rack-attack counts).
struct RateLimit {
  int limit = 0;
  int period_seconds = 0;
};

// Mastodon's rack-attack defaults (config/initializers/rack_attack.rb and the docs' rate-limits
// page); each settable as HERD_RATE_LIMIT_<NAME>="LIMIT/SECONDS", all off with HERD_RATE_LIMITS.
struct RateLimits {
  bool enabled = true;                     // HERD_RATE_LIMITS
  RateLimit api_account{300, 300};         // API requests per account (authenticated)
  RateLimit api_ip{300, 300};              // API requests per IP (unauthenticated)
  RateLimit media{30, 1800};               // media uploads per account
  RateLimit deletes{30, 1800};             // status deletions and unreblogs per account
  RateLimit sign_up{5, 1800};              // sign-ups per IP (API and web form)
  RateLimit sign_in_ip{25, 300};           // sign-in attempts per IP (web and password grant)
  RateLimit sign_in_account{25, 3600};     // sign-in attempts per account (or unknown login)
  // After `limit` consecutive failures for one account, each further attempt waits 1 s, 2 s, 4 s
  // ... (at most `period_seconds`) after the previous failure.
  RateLimit sign_in_delay{5, 900};
};

struct Config {
  std::string local_domain = "localhost:3000";  // LOCAL_DOMAIN: the accounts' domain (user@domain)
  std::string web_domain;                       // WEB_DOMAIN: host serving the site (default local_domain)
  bool local_https = true;                      // LOCAL_HTTPS: false gives http:// URLs (tests)
  std::string bind = "127.0.0.1";               // BIND
  std::uint16_t port = 3000;                    // PORT
  std::string database_url;                     // DATABASE_URL: sqlite:///path or postgres://...
  std::string data_dir = "data";                // HERD_DATA_DIR
  std::string admin_email;                      // HERD_ADMIN_EMAIL (required)
  std::string admin_username = "admin";         // HERD_ADMIN_USERNAME
  std::string admin_password;                   // HERD_ADMIN_PASSWORD (generated when empty)
  Registrations registrations = Registrations::open;  // HERD_REGISTRATIONS
  bool password_grant = false;                  // HERD_PASSWORD_GRANT
  bool authorized_fetch = false;                // AUTHORIZED_FETCH
  bool single_user_mode = false;                // SINGLE_USER_MODE
  std::vector<std::string> allowed_private_addresses;  // ALLOWED_PRIVATE_ADDRESSES (comma list)
  bool allow_http_federation = false;           // HERD_ALLOW_HTTP_FEDERATION
  std::string smtp_server;                      // SMTP_SERVER (empty: no mail)
  std::uint16_t smtp_port = 587;                // SMTP_PORT
  std::string smtp_login;                       // SMTP_LOGIN
  std::string smtp_password;                    // SMTP_PASSWORD
  std::string smtp_from_address;                // SMTP_FROM_ADDRESS
  std::string smtp_tls = "starttls";            // SMTP_TLS: starttls | tls | none
  std::string smtp_auth_method = "plain";       // SMTP_AUTH_METHOD: plain | login | cram_md5 | none
  std::string smtp_openssl_verify_mode = "peer";  // SMTP_OPENSSL_VERIFY_MODE: peer | none
  std::string smtp_ca_file;                     // SMTP_CA_FILE: CA bundle for the server's certificate
  std::string smtp_delivery_method = "smtp";    // SMTP_DELIVERY_METHOD: smtp (the only one)
  std::string instance_title = "herd";          // HERD_INSTANCE_TITLE
  std::string instance_description = "A small, fast Mastodon-compatible server.";  // HERD_INSTANCE_DESCRIPTION
  int threads = 0;                              // HERD_THREADS: handler workers (0: 4 per core)
  std::size_t max_body_bytes = 1 << 20;         // HERD_MAX_BODY_BYTES
  std::size_t max_upload_bytes = 40 << 20;      // HERD_MAX_UPLOAD_BYTES
  std::size_t response_cache_mb = 8;            // HERD_RESPONSE_CACHE_MB (0: off)
  std::size_t status_cache_mb = 8;              // HERD_STATUS_CACHE_MB (0: off)
  std::uint64_t disk_quota_bytes = 0;           // HERD_DISK_QUOTA_BYTES (0: no quota)
  RateLimits rate_limits;                       // HERD_RATE_LIMITS, HERD_RATE_LIMIT_*
  // TRUSTED_PROXY_IP: peers whose X-Forwarded-For names the client (addresses or CIDRs).
  std::vector<std::string> trusted_proxies = {"127.0.0.0/8", "::1"};
  std::string metrics_token;                    // HERD_METRICS_TOKEN (empty: /metrics is off)
  bool json_logs = false;                       // HERD_LOG_FORMAT: text (default) | json
  // HERD_ACCOUNT_DELETION_GRACE_SECONDS: how long a deleted account's data stays (hidden) before
  // it is removed; Mastodon's 30 days by default.
  std::int64_t account_deletion_grace_seconds = 30LL * 24 * 3600;

  // "https://" or "http://" + web domain, without trailing slash.
  std::string base_url() const;
  std::string scheme() const { return local_https ? "https" : "http"; }
  // Whether mail goes out over SMTP (SMTP_SERVER set); otherwise messages are only logged and
  // sign-ups need no email confirmation.
  bool mail_enabled() const { return !smtp_server.empty(); }
};

// One documented setting, for `herd serve --help`.
struct SettingDoc {
  const char* name;
  const char* description;
};
const std::vector<SettingDoc>& setting_docs();

// Loads defaults <- file (if path non-empty) <- environment. Throws ConfigError("SETTING: why").
// Does not check admin_email: callers that start an instance call require_admin_email().
Config load_config(const std::string& file_path, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> environment();
void require_admin_email(const Config& config);

}  // namespace herd
