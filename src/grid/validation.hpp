// The deploy form's rules, in one place for the form, the REST API and the CLI. Each check
// throws ApiError(validation) with a message a person can act on ("Name must be at most 15
// characters."). No deployment is created unless every check passes.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grid/model.hpp"

namespace herd::grid {

struct Package {
  std::string name;
  Resources resources;
};

// minimum {1, 2048, 10}, standard {2, 4096, 50}, recommended {4, 4096, 100}.
const std::vector<Package>& fixed_packages();
// The resources of a package; custom takes cpu 1-32, memory 256-262144 MB, disk 1-10000 GB.
Resources package_resources(std::string_view package, std::optional<std::int64_t> cpu,
                            std::optional<std::int64_t> memory_mb,
                            std::optional<std::int64_t> disk_gb);

// 2-15 lowercase letters and digits, starting with a letter.
void validate_name(std::string_view name);
// Required; user@host.tld form; not admin@...
void validate_admin_email(std::string_view email);
// At least 5 characters, starts with a letter, letters and digits only, not "admin".
void validate_admin_username(std::string_view username);
// 6-64 printable characters without spaces.
void validate_admin_password(std::string_view password);
// Only when host is set: host name, port 1-65535, tls starttls|tls|none, from address an email.
void validate_smtp(const SmtpSettings& smtp);

// A host name with at least one dot (letters, digits, hyphens; the last label not a number),
// not the gateway's domain nor under it; returns it in lower case.
std::string validate_custom_domain(std::string_view domain, std::string_view gateway_domain);

// A request with every rule checked and defaults filled in (username, generated password).
struct DeployPlan {
  DeployRequest request;
  Resources resources;
};
DeployPlan validate_request(DeployRequest request);

// "<name><owner id>.<gateway domain>"
std::string deployment_domain(std::string_view name, std::int64_t owner_id,
                              std::string_view gateway_domain);

// Cost per hour of the resources at these prices.
double hourly_cost(const Resources& resources, const Prices& prices);

// A password the form can show once: 16 characters with lower, upper, digits and a symbol.
std::string generate_admin_password();

}  // namespace herd::grid
