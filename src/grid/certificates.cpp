// GridService's certificates and custom domains: the gateway route of a deployment with its ACME
// certificates, lego runs (HTTP-01, answered by the gateway), and a deployment's custom domain,
// verified by the ACME challenge itself: the CA fetches the token from the domain, so a
// certificate is only issued when the domain's DNS points at this gateway.
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "grid/process.hpp"
#include "grid/service.hpp"
#include "grid/store.hpp"
#include "grid/validation.hpp"

namespace herd::grid {

namespace fs = std::filesystem;

namespace {

// lego keeps <acme dir>/certificates/<domain>.{crt,key}.
std::string certificate_base(const std::string& acme_dir, const std::string& domain) {
  return acme_dir + "/certificates/" + domain;
}

}  // namespace

Route GridService::route_for(const Deployment& d, const Node& n) const {
  Route route;
  route.name = d.name;
  route.domain = d.domain;
  route.upstream = n.address + ":" + std::to_string(d.instance_port);
  route.custom_domain = d.custom_domain;
  if (options_.acme_directory.empty()) return route;
  std::error_code ec;
  std::string own = certificate_base(options_.acme_dir, d.domain);
  if (fs::exists(own + ".crt", ec)) {
    route.certificate = own + ".crt";
    route.certificate_key = own + ".key";
  }
  if (!d.custom_domain.empty()) {
    std::string custom = certificate_base(options_.acme_dir, d.custom_domain);
    if (fs::exists(custom + ".crt", ec)) {
      route.custom_certificate = custom + ".crt";
      route.custom_certificate_key = custom + ".key";
    }
  }
  return route;
}

void GridService::issue_certificate(const std::string& domain) {
  if (!gateway_) throw std::runtime_error("no gateway to answer the ACME challenge");
  std::error_code ec;
  bool have = fs::exists(certificate_base(options_.acme_dir, domain) + ".crt", ec);
  std::vector<std::string> command{"env"};
  if (!options_.acme_ca_file.empty())
    command.push_back("LEGO_CA_CERTIFICATES=" + options_.acme_ca_file);
  for (const char* part : {"lego", "--accept-tos", "--http"}) command.push_back(part);
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--server", options_.acme_directory},
           {"--email", options_.acme_email},
           {"--domains", domain},
           {"--http.webroot", gateway_->acme_webroot()},
           {"--path", options_.acme_dir}}) {
    command.push_back(flag);
    command.push_back(value);
  }
  command.push_back(have ? "renew" : "run");
  if (have) {
    command.push_back("--days");
    command.push_back(std::to_string(options_.acme_renew_days));
    // lego sleeps up to minutes before a renewal so that cron jobs spread over time; checks here
    // already run at times of their own (from the control plane's start), so no sleep.
    command.push_back("--no-random-sleep");
  }
  std::string output;
  if (run_command(command, &output) != 0) {
    auto tail = output.size() > 600 ? output.substr(output.size() - 600) : output;
    throw std::runtime_error("lego " + std::string(have ? "renew" : "run") + " for " + domain +
                             " failed: " + tail);
  }
  log::info("certificate for {} {} by ACME", domain, have ? "checked for renewal" : "issued");
}

std::string GridService::check_custom_domain(const Deployment& d, const std::string& domain) {
  if (options_.acme_directory.empty() || !gateway_)
    fail(ErrorKind::validation,
         "Custom domains are not available on this grid: they need certificates by ACME "
         "(herd grid control --acme-directory).");
  auto gw = gateway(d.gateway_id);
  std::string checked = validate_custom_domain(domain, gw ? gw->domain : "");
  auto owner =
      db_.read_value([&](store::Connection& c) { return db::custom_domain_owner(c, checked); });
  if (owner && *owner != d.name)
    fail(ErrorKind::conflict, "The domain " + checked + " belongs to another deployment.");
  return checked;
}

void GridService::attach_custom_domain(Deployment& d, const Node& n, const std::string& domain) {
  // Served first without a certificate of its own, so that the gateway answers the challenge
  // for it; with its certificate once issued. Refused: the route goes back as it was.
  Deployment trial = d;
  trial.custom_domain = domain;
  gateway_->add_route(route_for(trial, n));
  try {
    issue_certificate(domain);
  } catch (const std::exception& error) {
    gateway_->add_route(route_for(d, n));
    fail(ErrorKind::validation, "The domain " + domain +
                                    " could not be verified (its DNS must point at this grid's "
                                    "gateway): " +
                                    error.what());
  }
  bool recorded = db_.write_value([&](store::Connection& c) {
    return db::set_custom_domain(c, d.name, domain, now_unix_ms());
  });
  if (!recorded) {
    gateway_->add_route(route_for(d, n));
    fail(ErrorKind::conflict, "The domain " + domain + " belongs to another deployment.");
  }
  d.custom_domain = domain;
  gateway_->add_route(route_for(d, n));
  log::info("custom domain {} verified for {}", domain, d.name);
}

Deployment GridService::set_custom_domain(const Owner& owner, const std::string& name,
                                          const std::string& domain) {
  Deployment d = get(owner, name);
  if (d.status != "running")
    fail(ErrorKind::conflict,
         "\"" + name + "\" must be running to take a custom domain (it is " + d.status + ").");
  if (domain.empty()) fail(ErrorKind::validation, "Which domain? (domain is required)");
  std::string checked = check_custom_domain(d, domain);
  if (checked == d.custom_domain) return d;
  auto n = node(d.node_id);
  if (!n) fail(ErrorKind::unavailable, "Node " + std::to_string(d.node_id) + " is gone.");
  std::string previous = d.custom_domain;
  attach_custom_domain(d, *n, checked);
  if (!previous.empty()) {
    std::error_code ec;
    for (const char* ext : {".crt", ".key", ".issuer.crt", ".json"})
      fs::remove(certificate_base(options_.acme_dir, previous) + ext, ec);
  }
  return get(owner, name);
}

Deployment GridService::remove_custom_domain(const Owner& owner, const std::string& name) {
  Deployment d = get(owner, name);
  if (d.custom_domain.empty()) return d;
  db_.write([&](store::Connection& c) { db::clear_custom_domain(c, d.name); });
  std::string previous = d.custom_domain;
  d.custom_domain.clear();
  if (auto n = node(d.node_id); n && gateway_ && d.status != "stopped")
    gateway_->add_route(route_for(d, *n));
  std::error_code ec;
  for (const char* ext : {".crt", ".key", ".issuer.crt", ".json"})
    fs::remove(certificate_base(options_.acme_dir, previous) + ext, ec);
  log::info("custom domain {} removed from {}", previous, d.name);
  return get(owner, name);
}

}  // namespace herd::grid
