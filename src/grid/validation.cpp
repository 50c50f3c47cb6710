#include "grid/validation.hpp"

#include <algorithm>
#include <cctype>
#include <random>
#include <regex>

#include "core/error.hpp"

namespace herd::grid {

namespace {

[[noreturn]] void invalid(std::string message) {
  fail(ErrorKind::validation, std::move(message));
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void check_range(const char* what, std::optional<std::int64_t> value, std::int64_t min,
                 std::int64_t max, const char* unit) {
  if (!value) invalid(std::string(what) + " is required for the custom package.");
  if (*value < min)
    invalid("Minimum allowed " + lower(what) + " is " + std::to_string(min) + unit + ".");
  if (*value > max)
    invalid("Maximum allowed " + lower(what) + " is " + std::to_string(max) + unit + ".");
}

}  // namespace

const std::vector<Package>& fixed_packages() {
  static const std::vector<Package> packages = {
      {"minimum", {1, 2048, 10}},
      {"standard", {2, 4096, 50}},
      {"recommended", {4, 4096, 100}},
  };
  return packages;
}

Resources package_resources(std::string_view package, std::optional<std::int64_t> cpu,
                            std::optional<std::int64_t> memory_mb,
                            std::optional<std::int64_t> disk_gb) {
  std::string name = lower(package);
  if (name.empty()) name = "minimum";
  for (const auto& fixed : fixed_packages())
    if (fixed.name == name) return fixed.resources;
  if (name != "custom")
    invalid("Unknown package \"" + std::string(package) +
            "\": choose minimum, standard, recommended or custom.");
  check_range("CPU", cpu, 1, 32, " vCores");
  check_range("Memory", memory_mb, 256, 262144, " MB");
  check_range("Disk", disk_gb, 1, 10000, " GB");
  return {*cpu, *memory_mb, *disk_gb};
}

void validate_name(std::string_view name) {
  if (name.empty()) invalid("Name is required.");
  if (name.size() < 2) invalid("Name must be at least 2 characters.");
  if (name.size() > 15) invalid("Name must be at most 15 characters.");
  if (!(name[0] >= 'a' && name[0] <= 'z')) invalid("Name must start with a lowercase letter.");
  if (!std::all_of(name.begin(), name.end(), is_lower_alnum))
    invalid("Name can only include lowercase letters and digits.");
}

void validate_admin_email(std::string_view email) {
  if (email.empty()) invalid("Admin email is required.");
  static const std::regex pattern(
      R"(^([a-zA-Z0-9_\-\.+]+)@([a-zA-Z0-9_\-\.]+)\.([a-zA-Z]{2,24})$)");
  if (!std::regex_match(email.begin(), email.end(), pattern))
    invalid("Admin email is not a valid email address: \"" + std::string(email) + "\".");
  if (lower(email).rfind("admin@", 0) == 0)
    invalid("The email admin@... is reserved, use a different email.");
}

void validate_admin_username(std::string_view username) {
  if (username.size() < 5) invalid("Admin username must be at least 5 characters.");
  if (username.size() > 30) invalid("Admin username must be at most 30 characters.");
  if (!is_alpha(username[0])) invalid("Admin username must start with a letter.");
  if (!std::all_of(username.begin(), username.end(), is_alnum))
    invalid("Admin username can only include letters and digits.");
  if (lower(username) == "admin") invalid("The username admin is reserved.");
}

void validate_admin_password(std::string_view password) {
  if (password.size() < 6) invalid("Admin password must be at least 6 characters.");
  if (password.size() > 64) invalid("Admin password must be at most 64 characters.");
  for (char c : password)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      invalid("Admin password cannot contain spaces or control characters.");
}

void validate_smtp(const SmtpSettings& smtp) {
  if (smtp.host.empty()) {
    if (!smtp.username.empty() || !smtp.password.empty() || !smtp.from_address.empty())
      invalid("SMTP host is required when other mail settings are given.");
    return;
  }
  static const std::regex host(
      R"(^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$)");
  if (smtp.host.size() > 253 || !std::regex_match(smtp.host, host))
    invalid("SMTP host is not a valid host name: \"" + smtp.host + "\".");
  if (smtp.port < 1 || smtp.port > 65535) invalid("SMTP port must be between 1 and 65535.");
  if (smtp.tls != "starttls" && smtp.tls != "tls" && smtp.tls != "none")
    invalid("SMTP TLS must be starttls, tls or none.");
  if (!smtp.from_address.empty()) {
    static const std::regex email(R"(^[^@\s<>]+@[^@\s<>]+$)");
    if (!std::regex_match(smtp.from_address, email))
      invalid("SMTP from address is not a valid email address.");
  }
  if (smtp.username.size() > 256 || smtp.password.size() > 256)
    invalid("SMTP username and password must be at most 256 characters.");
}

std::string validate_custom_domain(std::string_view domain, std::string_view gateway_domain) {
  std::string d = lower(std::string(domain));
  static const std::regex host(
      R"(^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$)");
  if (d.size() > 253 || !std::regex_match(d, host))
    invalid("Custom domain is not a valid host name with a dot, such as social.example.org: \"" +
            std::string(domain) + "\".");
  std::string gw = lower(std::string(gateway_domain));
  if (d == gw || (d.size() > gw.size() && d.compare(d.size() - gw.size(), gw.size(), gw) == 0 &&
                  d[d.size() - gw.size() - 1] == '.'))
    invalid("Custom domain cannot be the grid's own domain " + gw + " or under it.");
  return d;
}

DeployPlan validate_request(DeployRequest request) {
  validate_name(request.name);
  DeployPlan plan;
  plan.resources =
      package_resources(request.package, request.cpu, request.memory_mb, request.disk_gb);
  request.package = lower(request.package.empty() ? "minimum" : request.package);
  validate_admin_email(request.admin_email);
  if (request.admin_username.empty()) request.admin_username = "adminuser";
  validate_admin_username(request.admin_username);
  if (request.admin_password.empty()) request.admin_password = generate_admin_password();
  validate_admin_password(request.admin_password);
  request.smtp.tls = lower(request.smtp.tls.empty() ? "starttls" : request.smtp.tls);
  validate_smtp(request.smtp);
  if (request.node_id && *request.node_id < 1) invalid("Please select a valid node.");
  if (!request.custom_domain.empty())
    request.custom_domain = validate_custom_domain(request.custom_domain, "");
  plan.request = std::move(request);
  return plan;
}

std::string deployment_domain(std::string_view name, std::int64_t owner_id,
                              std::string_view gateway_domain) {
  return std::string(name) + std::to_string(owner_id) + "." + std::string(gateway_domain);
}

double hourly_cost(const Resources& r, const Prices& prices) {
  return static_cast<double>(r.cpu) * prices.per_cpu +
         static_cast<double>(r.memory_mb) / 1024.0 * prices.per_memory_gb +
         static_cast<double>(r.disk_gb) * prices.per_disk_gb;
}

std::string generate_admin_password() {
  static const std::string lowers = "abcdefghijkmnopqrstuvwxyz";
  static const std::string uppers = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static const std::string digits = "23456789";
  static const std::string symbols = "!@#%+-_.=";
  std::random_device device;
  std::mt19937_64 random(device());
  auto pick = [&](const std::string& set) {
    return set[std::uniform_int_distribution<std::size_t>(0, set.size() - 1)(random)];
  };
  std::string password;
  for (int i = 0; i < 7; ++i) password += pick(lowers);
  for (int i = 0; i < 4; ++i) password += pick(uppers);
  for (int i = 0; i < 3; ++i) password += pick(digits);
  for (int i = 0; i < 2; ++i) password += pick(symbols);
  std::shuffle(password.begin(), password.end(), random);
  return password;
}

}  // namespace herd::grid
