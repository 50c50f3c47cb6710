#include "grid/control_plane.hpp"

#include <filesystem>
#include <fstream>

#include "api/dispatch.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "grid/api.hpp"
#include "grid/args.hpp"
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

void read_control_options(Args& args, ControlOptions& o) {
  o.data_dir = args.get("data", o.data_dir);
  o.listen = args.get("listen", o.listen);
  o.database_url = args.get("database-url", env_or("HERD_GRID_DATABASE_URL", o.database_url));
  o.node_token = args.get("node-token", env_or("HERD_GRID_NODE_TOKEN", o.node_token));
  o.owner_token = args.get("owner-token", env_or("HERD_GRID_TOKEN", o.owner_token));
  o.gateway.domain =
      args.get("gateway-domain", o.gateway.domain.empty() ? "localhost" : o.gateway.domain);
  std::string gateway_listen = args.get("gateway-listen", "");
  if (!gateway_listen.empty()) {
    auto colon = gateway_listen.rfind(':');
    if (colon == std::string::npos) {
      o.gateway.port = std::stoi(gateway_listen);
    } else {
      o.gateway.listen_address = gateway_listen.substr(0, colon);
      o.gateway.port = std::stoi(gateway_listen.substr(colon + 1));
    }
  }
  o.gateway.tls_certificate = args.get("tls-certificate", o.gateway.tls_certificate);
  o.gateway.tls_key = args.get("tls-key", o.gateway.tls_key);
  o.gateway.tls_port = static_cast<int>(args.integer("tls-port", o.gateway.tls_port));
  o.run_gateway = !args.flag("no-gateway");
  o.nginx = args.get("nginx", o.nginx);
  o.prices.per_cpu = std::stod(args.get("price-cpu", std::to_string(o.prices.per_cpu)));
  o.prices.per_memory_gb =
      std::stod(args.get("price-memory-gb", std::to_string(o.prices.per_memory_gb)));
  o.prices.per_disk_gb = std::stod(args.get("price-disk-gb", std::to_string(o.prices.per_disk_gb)));
  o.node_timeout_ms = static_cast<int>(args.integer("node-timeout-ms", o.node_timeout_ms));
  o.health_timeout_ms = static_cast<int>(args.integer("health-timeout-ms", o.health_timeout_ms));
  o.step_delay_ms = static_cast<int>(
      args.integer("test-step-delay-ms", std::stoll(env_or("HERD_GRID_TEST_STEP_DELAY_MS", "0"))));
  o.backup_interval_seconds =
      static_cast<int>(args.integer("backup-every-seconds", o.backup_interval_seconds));
  o.backup_keep = static_cast<int>(args.integer("backup-keep", o.backup_keep));
  if (o.backup_interval_seconds < 0 || o.backup_keep < 1)
    throw std::runtime_error("--backup-every-seconds must be >= 0 and --backup-keep >= 1");
  o.acme_directory = args.get("acme-directory", "");
  o.acme_email = args.get("acme-email", "");
  o.acme_ca_file = args.get("acme-ca-file", "");
  o.acme_renew_days = static_cast<int>(args.integer("acme-renew-days", o.acme_renew_days));
  o.acme_check_seconds = static_cast<int>(args.integer("acme-check-seconds", o.acme_check_seconds));
  if (!o.acme_directory.empty() && (o.acme_email.empty() || !o.gateway.tls()))
    throw std::runtime_error(
        "--acme-directory needs --acme-email and the gateway's TLS port with a default certificate "
        "(--tls-certificate, --tls-key: served to names without their own)");
  for (const auto& pair : args.all("instance-env")) {
    auto eq = pair.find('=');
    if (eq == std::string::npos) throw std::runtime_error("--instance-env: expected KEY=VALUE");
    o.instance_env[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
}

int control_main(int argc, char** argv) {
  Args args(argc, argv);
  if (args.flag("help")) {
    std::cout
        << "Usage: herd grid control [--data DIR] [--listen ADDR:PORT] [--database-url URL]\n"
           "         [--owner-token T] [--node-token T] [--gateway-domain D]\n"
           "         [--gateway-listen [ADDR:]PORT] [--tls-certificate F --tls-key F]\n"
           "         [--nginx PATH] [--no-gateway] [--price-cpu X] [--price-memory-gb X]\n"
           "         [--price-disk-gb X] [--node-timeout-ms N] [--health-timeout-ms N]\n"
           "         [--instance-env KEY=VALUE]...\n"
           "         [--backup-every-seconds N --backup-keep K]  (scheduled backups of every\n"
           "         running instance on its node, the newest K kept)\n";
    return 0;
  }
  ControlOptions o;
  try {
    read_control_options(args, o);
    args.check_all_used();
  } catch (const std::exception& error) {
    std::cerr << "herd grid control: " << error.what() << "\n";
    return 2;
  }
  try {
    ControlPlane control(o);
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
}

}  // namespace herd::grid
