#include "grid/control_plane.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "api/dispatch.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "grid/api.hpp"
#include "grid/cli.hpp"
#include "grid/gateway.hpp"
#include "grid/service.hpp"
#include "grid/store.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace herd::grid {

namespace fs = std::filesystem;

namespace {

// The secret in `path`, or `given` (then saved), or a new random one (saved).
std::string keep_secret(const std::string& path, const std::string& given) {
  if (given.empty()) {
    std::ifstream in(path);
    std::string existing;
    if (in >> existing && !existing.empty()) return existing;
  }
  std::string secret = given.empty() ? random_token(24) : given;
  {
    std::ofstream out(path, std::ios::trunc);
    out << secret << "\n";
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  return secret;
}

}  // namespace

struct ControlPlane::Impl {
  ControlOptions options;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<NginxGateway> gateway;
  std::unique_ptr<GridService> service;
  http::Router router;
  std::unique_ptr<http::Server> server;
};

ControlPlane::ControlPlane(ControlOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

ControlPlane::~ControlPlane() {
  impl_->service.reset();
  impl_->gateway.reset();
}

const std::string& ControlPlane::owner_token() const {
  return impl_->options.owner_token;
}
const std::string& ControlPlane::node_token() const {
  return impl_->options.node_token;
}
std::string ControlPlane::url() const {
  return "http://" + impl_->options.listen;
}

void ControlPlane::start() {
  auto& o = impl_->options;
  fs::create_directories(o.data_dir);
  o.data_dir = fs::absolute(o.data_dir).lexically_normal().string();
  if (o.database_url.empty()) o.database_url = "sqlite://" + o.data_dir + "/grid.sqlite3";
  o.owner_token = keep_secret(o.data_dir + "/owner-token", o.owner_token);
  o.node_token = keep_secret(o.data_dir + "/node-token", o.node_token);
  impl_->db = store::open_database(o.database_url, 8);
  db::migrate_grid(*impl_->db);
  impl_->db->write([&](store::Connection& c) {
    db::upsert_owner(c, 1, "default", o.owner_token);
    o.gateway = db::upsert_gateway(c, o.gateway);
  });

  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen: expected ADDRESS:PORT");
  http::ServerOptions server_options;
  server_options.bind = o.listen.substr(0, colon);
  server_options.port = static_cast<std::uint16_t>(std::stoi(o.listen.substr(colon + 1)));
  server_options.threads = 8;  // deploys wait on instances and nginx
  if (o.run_gateway) {
    GatewayOptions gateway_options;
    gateway_options.prefix = o.data_dir + "/gateway";
    gateway_options.nginx = o.nginx;
    gateway_options.control_plane = o.listen;
    gateway_options.gateway = o.gateway;
    impl_->gateway = std::make_unique<NginxGateway>(gateway_options);
  }

  ServiceOptions service_options;
  service_options.node_token = o.node_token;
  service_options.prices = o.prices;
  service_options.node_timeout_ms = o.node_timeout_ms;
  service_options.health_timeout_ms = o.health_timeout_ms;
  service_options.step_delay_ms = o.step_delay_ms;
  service_options.instance_env = o.instance_env;
  service_options.backup_interval_seconds = o.backup_interval_seconds;
  service_options.backup_keep = o.backup_keep;
  service_options.backup_dir = o.data_dir + "/backups";
  service_options.acme_directory = o.acme_directory;
  service_options.acme_email = o.acme_email;
  service_options.acme_ca_file = o.acme_ca_file;
  service_options.acme_dir = o.data_dir + "/acme";
  service_options.acme_renew_days = o.acme_renew_days;
  service_options.acme_check_seconds = o.acme_check_seconds;
  impl_->service = std::make_unique<GridService>(service_options, *impl_->db, impl_->gateway.get());
  add_grid_routes(impl_->router, *impl_->service);
  add_form_routes(impl_->router, *impl_->service);
  impl_->server = std::make_unique<http::Server>(server_options, api::make_dispatch(impl_->router));
  impl_->server->listen();
  // conf.d keeps the routes of existing deployments across restarts.
  if (impl_->gateway) impl_->gateway->start();
  impl_->service->roll_back_interrupted();
  impl_->service->start_monitor();
  impl_->service->start_backup_scheduler();
}

void ControlPlane::run() {
  log::info("grid control plane on {} (gateway {}:{})", url(), impl_->options.gateway.domain,
            impl_->options.gateway.port);
  impl_->server->run();
}

void ControlPlane::stop() {
  if (impl_->server) impl_->server->stop();
}

void add_control_options(CLI::App& command, ControlFlags& f) {
  ControlOptions& o = f.options;
  command.add_option("--data", o.data_dir, "state folder")->capture_default_str();
  command.add_option("--listen", o.listen, "the API and deploy form, ADDR:PORT")
      ->capture_default_str();
  command.add_option("--database-url", o.database_url, "default sqlite://DATA/grid.sqlite3")
      ->envname("HERD_GRID_DATABASE_URL");
  command.add_option("--owner-token", o.owner_token, "default: kept in DATA/owner-token")
      ->envname("HERD_GRID_TOKEN");
  command.add_option("--node-token", o.node_token, "default: kept in DATA/node-token")
      ->envname("HERD_GRID_NODE_TOKEN");
  command.add_option("--gateway-domain", o.gateway.domain, "instances at NAME<owner>.DOMAIN")
      ->capture_default_str();
  command.add_option("--gateway-listen", f.gateway_listen, "the gateway's [ADDR:]PORT");
  command
      .add_option("--tls-certificate", o.gateway.tls_certificate,
                  "the gateway's default certificate (PEM)")
      ->check(CLI::ExistingFile);
  command.add_option("--tls-key", o.gateway.tls_key, "its key (PEM)")->check(CLI::ExistingFile);
  command.add_option("--tls-port", o.gateway.tls_port, "the gateway's TLS port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  command.add_flag("--no-gateway", f.no_gateway, "do not run the nginx gateway");
  command.add_option("--nginx", o.nginx, "nginx executable")->capture_default_str();
  command.add_option("--price-cpu", o.prices.per_cpu, "hourly price of a cpu")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--price-memory-gb", o.prices.per_memory_gb, "hourly price of a GB of memory")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--price-disk-gb", o.prices.per_disk_gb, "hourly price of a GB of disk")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--node-timeout-ms", o.node_timeout_ms, "a silent node is down after this")
      ->capture_default_str()
      ->check(CLI::Range(100, 3'600'000));
  command
      .add_option("--health-timeout-ms", o.health_timeout_ms,
                  "an instance must be ready within this")
      ->capture_default_str()
      ->check(CLI::Range(100, 3'600'000));
  command.add_option("--test-step-delay-ms", o.step_delay_ms, "tests: a pause in each deploy")
      ->envname("HERD_GRID_TEST_STEP_DELAY_MS")
      ->check(CLI::Range(0, 600'000));
  command.add_option("--instance-env", f.instance_env, "KEY=VALUE for every instance (repeatable)")
      ->check(
          [](const std::string& pair) {
            return pair.find('=') == std::string::npos ? std::string("expected KEY=VALUE")
                                                       : std::string();
          },
          "KEY=VALUE");
  command
      .add_option("--backup-every-seconds", o.backup_interval_seconds,
                  "scheduled backups of every running instance (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command.add_option("--backup-keep", o.backup_keep, "backups kept per instance")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000));
  auto* acme = command.add_option("--acme-directory", o.acme_directory,
                                  "certificates by ACME for every deployment (directory URL)");
  command.add_option("--acme-email", o.acme_email, "the ACME account's email")->needs(acme);
  command.add_option("--acme-ca-file", o.acme_ca_file, "CA bundle to trust for the ACME server")
      ->check(CLI::ExistingFile)
      ->needs(acme);
  command.add_option("--acme-renew-days", o.acme_renew_days, "renewed within this many days")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000));
  command.add_option("--acme-check-seconds", o.acme_check_seconds, "renewal check interval")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000'000));
}

void finish_control_options(ControlFlags& f) {
  ControlOptions& o = f.options;
  if (!f.gateway_listen.empty()) {
    auto colon = f.gateway_listen.rfind(':');
    try {
      std::size_t end = 0;
      std::string port =
          colon == std::string::npos ? f.gateway_listen : f.gateway_listen.substr(colon + 1);
      o.gateway.port = std::stoi(port, &end);
      if (end != port.size() || o.gateway.port < 1 || o.gateway.port > 65535)
        throw std::invalid_argument(port);
    } catch (const std::exception&) {
      throw CLI::ValidationError("--gateway-listen", "expected [ADDR:]PORT: " + f.gateway_listen);
    }
    if (colon != std::string::npos) o.gateway.listen_address = f.gateway_listen.substr(0, colon);
  }
  if (o.gateway.tls_certificate.empty() != o.gateway.tls_key.empty())
    throw CLI::ValidationError("--tls-certificate and --tls-key", "go together");
  o.run_gateway = !f.no_gateway;
  if (!o.acme_directory.empty() && (o.acme_email.empty() || !o.gateway.tls()))
    throw CLI::ValidationError(
        "--acme-directory",
        "needs --acme-email and the gateway's TLS port with a default certificate "
        "(--tls-certificate, --tls-key: served to names without their own)");
  for (const auto& pair : f.instance_env) {
    auto eq = pair.find('=');
    o.instance_env[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
}

void add_control_command(CLI::App& grid, Action& run) {
  auto* command = grid.add_subcommand(
      "control", "the control plane alone (REST API, deploy form, nginx gateway)");
  auto flags = std::make_shared<ControlFlags>();
  flags->options.gateway.domain = "localhost";
  add_control_options(*command, *flags);
  command->callback([flags, &run] {
    finish_control_options(*flags);
    run = [flags] {
      try {
        ControlPlane control(flags->options);
        control.start();
        std::cout << "Owner token: " << control.owner_token()
                  << "\nNode token:  " << control.node_token() << "\n"
                  << std::flush;
        control.run();
      } catch (const std::exception& error) {
        std::cerr << "herd grid control: " << error.what() << "\n";
        return 1;
      }
      return 0;
    };
  });
}

}  // namespace herd::grid
