#include "core/config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <toml++/toml.h>

#include "core/security_settings.hpp"

extern char** environ;

namespace herd {

std::string Config::base_url() const {
  return scheme() + "://" + (web_domain.empty() ? local_domain : web_domain);
}

const std::vector<SettingDoc>& setting_docs() {
  static const std::vector<SettingDoc> docs = {
      {"HERD_ADMIN_EMAIL", "admin account's email (required; the instance refuses to start without it)"},
      {"HERD_ADMIN_USERNAME", "admin account's username (default: admin)"},
      {"HERD_ADMIN_PASSWORD", "admin password (default: generated on first start, printed once)"},
      {"HERD_DATA_DIR", "data folder: SQLite database and media (default: ./data)"},
      {"DATABASE_URL",
       "sqlite:///path/to/file or postgres://user:pass@host:port/db, or over a Unix socket "
       "postgres://user@%2Fvar%2Frun%2Fpostgresql/db (default: SQLite in HERD_DATA_DIR)"},
      {"LOCAL_DOMAIN", "the domain in user@domain handles (default: localhost:3000)"},
      {"WEB_DOMAIN", "host serving the site and API, when it differs from LOCAL_DOMAIN"},
      {"LOCAL_HTTPS", "true (default) gives https:// URLs; false gives http:// (tests, local use)"},
      {"BIND", "address to listen on (default: 127.0.0.1)"},
      {"PORT", "port to listen on (default: 3000)"},
      {"HERD_REGISTRATIONS", "open | approval | closed (default: open)"},
      {"HERD_PASSWORD_GRANT", "true enables the OAuth password grant (scripted logins, tests)"},
      {"AUTHORIZED_FETCH", "true requires signed GETs for ActivityPub documents"},
      {"SINGLE_USER_MODE", "true: one-user instance; the home page shows the admin's profile"},
      {"LIMITED_FEDERATION_MODE", "true: federate only with the domains the admin API allows (/api/v1/admin/domain_allows); fetches must be signed"},
      {"HERD_EMAIL_DNS_CHECK", "true: at sign-up, look up the email domain's MX records (refuse an unreachable domain; check the MX hosts and their addresses against email domain blocks)"},
      {"HERD_TRENDABLE_BY_DEFAULT", "true: trending tags, posts and links appear without review (default false: only approved ones, as Mastodon)"},
      {"HERD_MAX_CONNECTIONS_PER_IP", "most concurrent connections from one client address (default 512; 0: no cap; trusted proxies are not counted)"},
      {"HERD_MAX_STREAMS_PER_ACCOUNT", "most concurrent streaming connections per account (default 64; 0: no cap)"},
      {"ALLOWED_PRIVATE_ADDRESSES", "comma list of private IPs/CIDRs federation may reach (tests)"},
      {"HERD_ALLOW_HTTP_FEDERATION", "true allows plain-http federation (with LOCAL_HTTPS=false, tests)"},
      {"SMTP_SERVER", "SMTP host for mail (optional; without it no mail is sent)"},
      {"SMTP_PORT", "SMTP port (default: 587)"},
      {"SMTP_LOGIN", "SMTP user name"},
      {"SMTP_PASSWORD", "SMTP password"},
      {"SMTP_FROM_ADDRESS", "From: address of outgoing mail (default: notifications@LOCAL_DOMAIN)"},
      {"SMTP_TLS", "starttls (default) | tls | none"},
      {"SMTP_AUTH_METHOD", "plain (default) | login | cram_md5 | none (no authentication)"},
      {"SMTP_OPENSSL_VERIFY_MODE", "peer (default: the server's certificate is checked) | none"},
      {"SMTP_CA_FILE", "CA certificates (PEM) trusted for the SMTP server (default: the system's)"},
      {"SMTP_DELIVERY_METHOD", "smtp (default; the only method)"},
      {"HERD_INSTANCE_TITLE", "the instance's name"},
      {"HERD_INSTANCE_DESCRIPTION", "the instance's short description"},
      {"HERD_ACCOUNT_DELETION_GRACE_SECONDS",
       "how long a deleted account's data stays hidden before it is removed (default 30 days)"},
      {"HERD_THREADS", "worker threads running request handlers (default: 4 per core)"},
      {"HERD_MAX_BODY_BYTES", "largest JSON/form request body (default: 1048576)"},
      {"HERD_MAX_UPLOAD_BYTES", "largest multipart upload (default: 41943040)"},
      {"HERD_RESPONSE_CACHE_MB", "memory for cached timeline/status responses (default: 8; 0 turns it off)"},
      {"HERD_STATUS_CACHE_MB", "memory for statuses kept rendered as JSON for every viewer (default: 8; 0 turns it off)"},
      {"HERD_DISK_QUOTA_BYTES", "size limit of the data folder in bytes; uploads beyond it are refused (default: 0, none)"},
      {"HERD_RATE_LIMITS", "false turns every rate limit off (default: true)"},
      {"HERD_RATE_LIMIT_API_ACCOUNT", "API requests per account, LIMIT/SECONDS (default: 300/300)"},
      {"HERD_RATE_LIMIT_API_IP", "unauthenticated API requests per IP (default: 300/300)"},
      {"HERD_RATE_LIMIT_MEDIA", "media uploads per account (default: 30/1800)"},
      {"HERD_RATE_LIMIT_DELETES", "status deletions and unreblogs per account (default: 30/1800)"},
      {"HERD_RATE_LIMIT_SIGN_UP", "sign-ups per IP (default: 5/1800)"},
      {"HERD_RATE_LIMIT_SIGN_IN_IP", "sign-in attempts per IP, web and password grant (default: 25/300)"},
      {"HERD_RATE_LIMIT_SIGN_IN_ACCOUNT", "sign-in attempts per account (default: 25/3600)"},
      {"HERD_RATE_LIMIT_SIGN_IN_DELAY", "FAILURES/MAX_SECONDS: after that many failures in a row, attempts wait 1, 2, 4... s (default: 5/900)"},
      {"TRUSTED_PROXY_IP", "comma list of proxy addresses/CIDRs whose X-Forwarded-For is believed (default: 127.0.0.0/8,::1)"},
      {"HERD_METRICS_TOKEN", "bearer token Prometheus sends to scrape /metrics (unset: /metrics is off)"},
      {"HERD_LOG_FORMAT", "text (default): one line per event; json: one JSON object per line"},
      {"HERD_CONFIG", "path of a TOML file with these settings (keys in lower case, e.g. local_domain)"},
  };
  return docs;
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq != std::string_view::npos) env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

namespace {

bool parse_bool_setting(const std::string& name, const std::string& value) {
  if (value == "true" || value == "1" || value == "yes" || value == "on" || value == "True") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off" || value == "False") return false;
  throw ConfigError(name + ": expected true or false, got \"" + value + "\"");
}

long long parse_int_setting(const std::string& name, const std::string& value, long long min,
                            long long max) {
  long long result = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (ec != std::errc() || ptr != value.data() + value.size() || result < min || result > max)
    throw ConfigError(name + ": expected a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", got \"" + value + "\"");
  return result;
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string::npos) comma = value.size();
    std::string item = value.substr(pos, comma - pos);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    pos = comma + 1;
  }
  return out;
}

RateLimit parse_rate_limit(const std::string& name, const std::string& value) {
  size_t slash = value.find('/');
  if (slash == std::string::npos)
    throw ConfigError(name + ": expected LIMIT/SECONDS such as 300/300, got \"" + value + "\"");
  RateLimit limit;
  limit.limit = static_cast<int>(parse_int_setting(name, value.substr(0, slash), 1, 1000000000));
  limit.period_seconds =
      static_cast<int>(parse_int_setting(name, value.substr(slash + 1), 1, 366 * 86400));
  return limit;
}

// The security settings read by the load_config() in progress (core/security_settings.hpp).
thread_local SecuritySettings pending_security;

void apply(Config& c, const std::string& name, const std::string& value) {
  static const std::map<std::string, RateLimit RateLimits::*> rate_limits = {
      {"HERD_RATE_LIMIT_API_ACCOUNT", &RateLimits::api_account},
      {"HERD_RATE_LIMIT_API_IP", &RateLimits::api_ip},
      {"HERD_RATE_LIMIT_MEDIA", &RateLimits::media},
      {"HERD_RATE_LIMIT_DELETES", &RateLimits::deletes},
      {"HERD_RATE_LIMIT_SIGN_UP", &RateLimits::sign_up},
      {"HERD_RATE_LIMIT_SIGN_IN_IP", &RateLimits::sign_in_ip},
      {"HERD_RATE_LIMIT_SIGN_IN_ACCOUNT", &RateLimits::sign_in_account},
      {"HERD_RATE_LIMIT_SIGN_IN_DELAY", &RateLimits::sign_in_delay}};
  if (auto it = rate_limits.find(name); it != rate_limits.end()) {
    c.rate_limits.*(it->second) = parse_rate_limit(name, value);
    return;
  }
  if (name == "HERD_RATE_LIMITS") c.rate_limits.enabled = parse_bool_setting(name, value);
  else if (name == "TRUSTED_PROXY_IP") c.trusted_proxies = split_list(value);
  else if (name == "LOCAL_DOMAIN") c.local_domain = value;
  else if (name == "WEB_DOMAIN") c.web_domain = value;
  else if (name == "LOCAL_HTTPS") c.local_https = parse_bool_setting(name, value);
  else if (name == "BIND") c.bind = value;
  else if (name == "PORT") c.port = static_cast<std::uint16_t>(parse_int_setting(name, value, 0, 65535));
  else if (name == "DATABASE_URL") c.database_url = value;
  else if (name == "HERD_DATA_DIR") c.data_dir = value;
  else if (name == "HERD_ADMIN_EMAIL") c.admin_email = value;
  else if (name == "HERD_ADMIN_USERNAME") c.admin_username = value;
  else if (name == "HERD_ADMIN_PASSWORD") c.admin_password = value;
  else if (name == "HERD_REGISTRATIONS") {
    if (value == "open") c.registrations = Registrations::open;
    else if (value == "approval") c.registrations = Registrations::approval;
    else if (value == "closed") c.registrations = Registrations::closed;
    else throw ConfigError(name + ": expected open, approval or closed, got \"" + value + "\"");
  } else if (name == "HERD_PASSWORD_GRANT") c.password_grant = parse_bool_setting(name, value);
  else if (name == "AUTHORIZED_FETCH") c.authorized_fetch = parse_bool_setting(name, value);
  else if (name == "SINGLE_USER_MODE") c.single_user_mode = parse_bool_setting(name, value);
  else if (name == "LIMITED_FEDERATION_MODE") pending_security.limited_federation_mode = parse_bool_setting(name, value);
  else if (name == "HERD_EMAIL_DNS_CHECK") pending_security.email_dns_check = parse_bool_setting(name, value);
  else if (name == "HERD_TRENDABLE_BY_DEFAULT") pending_security.trendable_by_default = parse_bool_setting(name, value);
  else if (name == "HERD_MAX_CONNECTIONS_PER_IP") pending_security.max_connections_per_ip = static_cast<int>(parse_int_setting(name, value, 0, 1 << 20));
  else if (name == "HERD_MAX_STREAMS_PER_ACCOUNT") pending_security.max_streams_per_account = static_cast<int>(parse_int_setting(name, value, 0, 1 << 20));
  else if (name == "ALLOWED_PRIVATE_ADDRESSES") c.allowed_private_addresses = split_list(value);
  else if (name == "HERD_ALLOW_HTTP_FEDERATION") c.allow_http_federation = parse_bool_setting(name, value);
  else if (name == "SMTP_SERVER") c.smtp_server = value;
  else if (name == "SMTP_PORT") c.smtp_port = static_cast<std::uint16_t>(parse_int_setting(name, value, 1, 65535));
  else if (name == "SMTP_LOGIN") c.smtp_login = value;
  else if (name == "SMTP_PASSWORD") c.smtp_password = value;
  else if (name == "SMTP_FROM_ADDRESS") c.smtp_from_address = value;
  else if (name == "SMTP_TLS") {
    if (value != "starttls" && value != "tls" && value != "none")
      throw ConfigError(name + ": expected starttls, tls or none, got \"" + value + "\"");
    c.smtp_tls = value;
  } else if (name == "SMTP_AUTH_METHOD") {
    if (value != "plain" && value != "login" && value != "cram_md5" && value != "none")
      throw ConfigError(name + ": expected plain, login, cram_md5 or none, got \"" + value + "\"");
    c.smtp_auth_method = value;
  } else if (name == "SMTP_OPENSSL_VERIFY_MODE") {
    if (value != "peer" && value != "none")
      throw ConfigError(name + ": expected peer or none, got \"" + value + "\"");
    c.smtp_openssl_verify_mode = value;
  } else if (name == "SMTP_CA_FILE") c.smtp_ca_file = value;
  else if (name == "SMTP_DELIVERY_METHOD") {
    if (value != "smtp")
      throw ConfigError(name + ": only smtp is supported, got \"" + value + "\"");
    c.smtp_delivery_method = value;
  } else if (name == "HERD_INSTANCE_TITLE") c.instance_title = value;
  else if (name == "HERD_INSTANCE_DESCRIPTION") c.instance_description = value;
  else if (name == "HERD_THREADS") c.threads = static_cast<int>(parse_int_setting(name, value, 0, 256));
  else if (name == "HERD_MAX_BODY_BYTES") c.max_body_bytes = parse_int_setting(name, value, 1024, 1LL << 32);
  else if (name == "HERD_MAX_UPLOAD_BYTES") c.max_upload_bytes = parse_int_setting(name, value, 1024, 1LL << 34);
  else if (name == "HERD_RESPONSE_CACHE_MB") c.response_cache_mb = parse_int_setting(name, value, 0, 4096);
  else if (name == "HERD_STATUS_CACHE_MB") c.status_cache_mb = parse_int_setting(name, value, 0, 4096);
  else if (name == "HERD_METRICS_TOKEN") c.metrics_token = value;
  else if (name == "HERD_LOG_FORMAT") {
    if (value != "text" && value != "json")
      throw ConfigError(name + ": expected text or json, got \"" + value + "\"");
    c.json_logs = value == "json";
  } else if (name == "HERD_ACCOUNT_DELETION_GRACE_SECONDS") {
    c.account_deletion_grace_seconds = parse_int_setting(name, value, 0, 10LL * 365 * 24 * 3600);
  } else if (name == "HERD_DISK_QUOTA_BYTES") c.disk_quota_bytes = static_cast<std::uint64_t>(parse_int_setting(name, value, 0, 1LL << 62));
}

bool is_setting(const std::string& name) {
  for (const auto& doc : setting_docs())
    if (name == doc.name) return true;
  return false;
}

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

void validate(Config& c) {
  static const std::regex domain(R"(^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$)");
  if (!std::regex_match(c.local_domain, domain))
    throw ConfigError("LOCAL_DOMAIN: not a host name: \"" + c.local_domain + "\"");
  if (!c.web_domain.empty() && !std::regex_match(c.web_domain, domain))
    throw ConfigError("WEB_DOMAIN: not a host name: \"" + c.web_domain + "\"");
  if (c.database_url.empty()) {
    c.database_url = "sqlite://" + std::filesystem::absolute(c.data_dir).lexically_normal().string() +
                     "/herd.sqlite3";
  }
  if (c.database_url.rfind("sqlite://", 0) != 0 && c.database_url.rfind("postgres://", 0) != 0 &&
      c.database_url.rfind("postgresql://", 0) != 0)
    throw ConfigError("DATABASE_URL: expected sqlite:///path or postgres://..., got \"" +
                      c.database_url + "\"");
  if (!c.admin_email.empty()) {
    static const std::regex email(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$|^[^@\s]+@localhost$)");
    if (!std::regex_match(c.admin_email, email))
      throw ConfigError("HERD_ADMIN_EMAIL: not an email address: \"" + c.admin_email + "\"");
  }
  static const std::regex username(R"(^[A-Za-z0-9_]{1,30}$)");
  if (!std::regex_match(c.admin_username, username))
    throw ConfigError("HERD_ADMIN_USERNAME: letters, digits and _ only, at most 30: \"" +
                      c.admin_username + "\"");
  if (c.smtp_from_address.empty()) {
    std::string host = c.local_domain.substr(0, c.local_domain.find(':'));
    c.smtp_from_address = "notifications@" + host;
  }
}

// The tuning settings read straight from the environment where they are used (README, the second
// table), checked at start-up with the others, so that a mistyped value stops the start with a
// clear error instead of meaning 0 (HERD_INLINE_READS=abc turned the quick reads off).
void validate_tuning(const std::map<std::string, std::string>& env) {
  auto check = [&](const std::string& name, auto&& valid) {
    if (auto it = env.find(name); it != env.end()) valid(name, it->second);
  };
  auto whole = [](long long min, long long max) {
    return [min, max](const std::string& name, const std::string& value) {
      parse_int_setting(name, value, min, max);
    };
  };
  auto one_of = [](std::vector<std::string> choices) {
    return [choices = std::move(choices)](const std::string& name, const std::string& value) {
      if (std::find(choices.begin(), choices.end(), value) != choices.end()) return;
      std::string expected;
      for (std::size_t i = 0; i < choices.size(); ++i)
        expected += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
      throw ConfigError(name + ": expected " + expected + ", got \"" + value + "\"");
    };
  };
  constexpr long long kMaxMs = 1LL << 40;
  check("HERD_IO_THREADS", whole(1, 1024));
  check("HERD_INLINE_READS", whole(0, 1024));
  check("HERD_PG_FIBERS", one_of({"0", "1", "false", "true"}));
  check("HERD_PRECISE_INVALIDATION", one_of({"all", "statuses", "responses", "none"}));
  check("HERD_GROUP_COMMIT", one_of({"0", "1"}));
  check("HERD_INBOX_BATCH", one_of({"0", "1"}));
  check("HERD_PG_SHARED_COMMIT", one_of({"0", "1"}));
  check("HERD_KEEP_STARTUP_PAGES", one_of({"0", "1"}));
  check("HERD_SLOW_QUERY_MS", whole(0, kMaxMs));
  check("HERD_ACTOR_STALE_MS", whole(1, kMaxMs));
  check("HERD_DELIVERY_RETRY_BASE_MS", whole(1, kMaxMs));
}

}  // namespace

Config load_config(const std::string& file_path, const std::map<std::string, std::string>& env) {
  Config config;
  pending_security = SecuritySettings{};
  std::string path = file_path;
  if (path.empty()) {
    auto it = env.find("HERD_CONFIG");
    if (it != env.end()) path = it->second;
  }
  if (!path.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(path);
    } catch (const toml::parse_error& error) {
      throw ConfigError("HERD_CONFIG: cannot read " + path + ": " + std::string(error.description()));
    }
    for (const auto& [key, node] : table) {
      std::string name = upper(std::string(key.str()));
      if (!is_setting(name)) {
        if (is_setting("HERD_" + name)) name = "HERD_" + name;
        else throw ConfigError(std::string(key.str()) + ": unknown setting in " + path);
      }
      std::string value;
      if (auto s = node.value<std::string>()) value = *s;
      else if (auto b = node.value<bool>()) value = *b ? "true" : "false";
      else if (auto i = node.value<std::int64_t>()) value = std::to_string(*i);
      else throw ConfigError(name + ": unsupported value type in " + path);
      apply(config, name, value);
    }
  }
  for (const auto& doc : setting_docs()) {
    auto it = env.find(doc.name);
    if (it != env.end()) apply(config, doc.name, it->second);
  }
  validate(config);
  validate_tuning(env);
  set_security_settings(pending_security);
  return config;
}

void require_admin_email(const Config& config) {
  if (config.admin_email.empty())
    throw ConfigError(
        "HERD_ADMIN_EMAIL: an admin email is required; set HERD_ADMIN_EMAIL=you@example.com "
        "(or admin_email in the config file)");
}

namespace {
SecuritySettings current_security;  // written at start-up, before any thread reads it
}  // namespace

const SecuritySettings& security_settings() {
  return current_security;
}

void set_security_settings(const SecuritySettings& settings) {
  current_security = settings;
}

}  // namespace herd
