#include "grid/nginx_config.hpp"

#include <gtest/gtest.h>

namespace herd::grid {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// grid.example on ports 80 and 443 with its own certificate.
Gateway tls_gateway() {
  Gateway gateway;
  gateway.domain = "grid.example";
  gateway.port = 80;
  gateway.tls_port = 443;
  gateway.tls_certificate = "/etc/herd/cert.pem";
  gateway.tls_key = "/etc/herd/key.pem";
  return gateway;
}

TEST(GridNginx, RouteProxiesByHostWithHeadersAndStreaming) {
  Gateway gateway;
  gateway.domain = "localhost";
  gateway.listen_address = "127.0.0.1";
  gateway.port = 8080;
  Route route;
  route.name = "mytoot";
  route.domain = "mytoot1.localhost";
  route.upstream = "127.0.0.2:40001";
  route.max_body_size = "64m";
  std::string conf = render_route(route, gateway);
  EXPECT_TRUE(has(conf, "listen 127.0.0.1:8080;"));
  EXPECT_TRUE(has(conf, "server_name mytoot1.localhost;"));
  EXPECT_TRUE(has(conf, "proxy_pass http://127.0.0.2:40001;"));
  EXPECT_TRUE(has(conf, "proxy_set_header Host $http_host;"));
  EXPECT_TRUE(has(conf, "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
  EXPECT_TRUE(has(conf, "location /api/v1/streaming {"));
  EXPECT_TRUE(has(conf, "proxy_set_header Upgrade $http_upgrade;"));
  EXPECT_TRUE(has(conf, "proxy_set_header Connection $connection_upgrade;"));
  EXPECT_TRUE(has(conf, "client_max_body_size 64m;"));
  EXPECT_FALSE(has(conf, "ssl"));
}

TEST(GridNginx, CustomDomainGetsAServerWithItsOwnCertificate) {
  Gateway gateway = tls_gateway();
  Route route;
  route.name = "mytoot";
  route.domain = "mytoot1.grid.example";
  route.upstream = "127.0.0.2:40001";
  route.acme_root = "/var/grid/acme";
  route.custom_domain = "social.example.org";
  std::string pending = render_route(route, gateway);
  EXPECT_TRUE(has(pending, "server_name social.example.org;"));
  // before its certificate exists: the gateway's, and the challenge folder served
  auto custom = pending.substr(pending.find("server_name social.example.org;"));
  EXPECT_TRUE(has(custom, "ssl_certificate /etc/herd/cert.pem;"));
  EXPECT_TRUE(has(custom, "root /var/grid/acme;"));
  EXPECT_TRUE(has(custom, "proxy_pass http://127.0.0.2:40001;"));
  route.custom_certificate = "/var/grid/certificates/social.example.org.crt";
  route.custom_certificate_key = "/var/grid/certificates/social.example.org.key";
  std::string conf = render_route(route, gateway);
  custom = conf.substr(conf.find("server_name social.example.org;"));
  EXPECT_TRUE(has(custom, "ssl_certificate /var/grid/certificates/social.example.org.crt;"));
  auto own = conf.substr(0, conf.find("server_name social.example.org;"));
  EXPECT_TRUE(has(own, "server_name mytoot1.grid.example;"));
  EXPECT_TRUE(has(own, "ssl_certificate /etc/herd/cert.pem;"));
}

TEST(GridNginx, TlsWhenTheGatewayHasACertificate) {
  Gateway gateway = tls_gateway();
  Route route;
  route.name = "a1";
  route.domain = "a11.grid.example";
  route.upstream = "10.0.0.2:4000";
  std::string conf = render_route(route, gateway);
  EXPECT_TRUE(has(conf, "listen 80;"));
  EXPECT_TRUE(has(conf, "listen [::]:443 ssl;"));
  EXPECT_TRUE(has(conf, "ssl_certificate /etc/herd/cert.pem;"));
  EXPECT_TRUE(has(conf, "ssl_certificate_key /etc/herd/key.pem;"));
  EXPECT_FALSE(has(conf, "acme-challenge"));
  EXPECT_EQ(gateway.host_for("a11.grid.example"), "a11.grid.example");
  // Its own certificate (ACME) replaces the gateway's; challenges are answered from the webroot.
  route.certificate = "/data/acme/certificates/a11.grid.example.crt";
  route.certificate_key = "/data/acme/certificates/a11.grid.example.key";
  route.acme_root = "/data/gw/acme";
  conf = render_route(route, gateway);
  EXPECT_TRUE(has(conf, "ssl_certificate /data/acme/certificates/a11.grid.example.crt;"));
  EXPECT_TRUE(has(conf, "ssl_certificate_key /data/acme/certificates/a11.grid.example.key;"));
  EXPECT_FALSE(has(conf, "/etc/herd/cert.pem"));
  EXPECT_TRUE(has(conf, "location /.well-known/acme-challenge/ {\n        root /data/gw/acme;"));
}

TEST(GridNginx, MainConfigHasDefaultServerFormAndIncludes) {
  NginxMainOptions options;
  options.prefix = "/data/gw";
  options.control_plane = "127.0.0.1:7000";
  options.gateway.domain = "localhost";
  options.gateway.port = 8080;
  std::string conf = render_main_config(options);
  EXPECT_TRUE(has(conf, "pid /data/gw/nginx.pid;"));
  EXPECT_TRUE(has(conf, "listen 8080 default_server;"));
  EXPECT_TRUE(has(conf, "return 404"));
  EXPECT_TRUE(has(conf, "server_name localhost;"));
  EXPECT_TRUE(has(conf, "proxy_pass http://127.0.0.1:7000;"));
  EXPECT_TRUE(has(conf, "include /data/gw/conf.d/*.conf;"));
  EXPECT_EQ(options.gateway.host_for("x1.localhost"), "x1.localhost:8080");
}

}  // namespace
}  // namespace herd::grid
