#include "grid/api.hpp"

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "grid/validation.hpp"
#include "http/params.hpp"

namespace herd::grid {

namespace json = boost::json;
using http::param_int;
using http::param_string;
using http::Request;
using http::Response;

namespace {

Owner owner_of(GridService& service, const Request& request) {
  std::string_view auth = request.header("authorization");
  std::string token = auth.rfind("Bearer ", 0) == 0 ? std::string(auth.substr(7)) : "";
  auto owner = service.authenticate(token);
  if (!owner) fail(ErrorKind::unauthorized, "The access token is invalid");
  return *owner;
}

void require_node_token(GridService& service, const Request& request) {
  std::string_view auth = request.header("authorization");
  if (auth.rfind("Bearer ", 0) != 0 || service.options().node_token.empty() ||
      !secure_equals(auth.substr(7), service.options().node_token))
    fail(ErrorKind::unauthorized, "The node token is invalid");
}

std::string text(const json::object& params, std::string_view key) {
  return param_string(params, key).value_or("");
}

std::optional<std::int64_t> number(const json::object& params, std::string_view key) {
  auto value = param_string(params, key);
  if (value && value->empty()) return std::nullopt;
  try {
    return param_int(params, key);
  } catch (const ApiError&) {
    fail(ErrorKind::validation, std::string(key) + " must be a whole number.");
  }
}

json::object gateway_json(const Gateway& g) {
  return json::object{{"id", g.id},
                      {"domain", g.domain},
                      {"port", g.port},
                      {"tls", g.tls()},
                      {"url", g.scheme() + "://" + g.host_for(g.domain)}};
}

Resources resources_from(const json::object& params) {
  std::string package = text(params, "package");
  if (package.empty() && !param_string(params, "cpu")) package = "minimum";
  if (package.empty()) package = "custom";
  return package_resources(package, number(params, "cpu"), number(params, "memory_mb"),
                           number(params, "disk_gb"));
}

}  // namespace

json::object node_json(const Node& n) {
  Resources free = n.free();
  return json::object{
      {"id", n.id},
      {"farm", n.farm},
      {"country", n.country},
      {"status", n.up ? "up" : "down"},
      {"total",
       json::object{
           {"cpu", n.total.cpu}, {"memory_mb", n.total.memory_mb}, {"disk_gb", n.total.disk_gb}}},
      {"used",
       json::object{
           {"cpu", n.used.cpu}, {"memory_mb", n.used.memory_mb}, {"disk_gb", n.used.disk_gb}}},
      {"free",
       json::object{{"cpu", free.cpu}, {"memory_mb", free.memory_mb}, {"disk_gb", free.disk_gb}}},
      {"address", n.address},
      {"last_heartbeat",
       n.last_heartbeat_ms ? json::value(rfc3339(n.last_heartbeat_ms)) : json::value(nullptr)}};
}

json::object deployment_json(GridService& service, const Deployment& d) {
  auto n = service.node(d.node_id);
  auto g = service.gateway(d.gateway_id);
  std::string host = g ? g->host_for(d.domain) : d.domain;
  return json::object{
      {"name", d.name},
      {"domain", d.domain},
      {"url", (g ? g->scheme() : std::string("http")) + "://" + host},
      {"package", d.package},
      {"cpu", d.resources.cpu},
      {"memory_mb", d.resources.memory_mb},
      {"disk_gb", d.resources.disk_gb},
      {"node_id", d.node_id},
      {"farm", n ? n->farm : ""},
      {"country", n ? n->country : ""},
      {"gateway_id", d.gateway_id},
      {"gateway", g ? g->domain : ""},
      {"status", d.status},
      {"created_at", rfc3339(d.created_at_ms)},
      {"instance_address", n ? n->address + ":" + std::to_string(d.instance_port) : ""},
      {"admin_username", d.admin_username},
      {"admin_email", d.admin_email},
      {"smtp_host", d.smtp_host},
      {"restart_count", d.restart_count},
      {"error", d.error},
      {"cost_per_hour", hourly_cost(d.resources, service.options().prices)},
      {"custom_domain",
       d.custom_domain.empty() ? json::value(nullptr) : json::value(d.custom_domain)},
      {"custom_url", d.custom_domain.empty()
                         ? json::value(nullptr)
                         : json::value((g ? g->scheme() : std::string("http")) + "://" +
                                       (g ? g->host_for(d.custom_domain) : d.custom_domain))},
  };
}

// POST /api/grid/v1/deployments/:name/{stop,start,backups,restore,upgrade,resize}, GET backups.
void add_lifecycle_api_routes(http::Router& router, GridService& service) {
  const std::string base = "/api/grid/v1/deployments/:name/";
  for (const char* verb : {"stop", "start"}) {
    router.post(base + verb, [&service, stop = std::string(verb) == "stop"](Request& request) {
      Owner owner = owner_of(service, request);
      std::string name = request.path_param("name");
      Deployment d = stop ? service.stop(owner, name) : service.start(owner, name);
      return Response::json(deployment_json(service, d));
    });
  }
  router.post(base + "backups", [&service](Request& request) {
    return Response::json(service.backup(owner_of(service, request), request.path_param("name")),
                          201);
  });
  router.get(base + "backups", [&service](Request& request) {
    return Response::json(service.backups(owner_of(service, request), request.path_param("name")));
  });
  router.post(base + "restore", [&service](Request& request) {
    Deployment d = service.restore(owner_of(service, request), request.path_param("name"),
                                   text(request.params, "backup"));
    return Response::json(deployment_json(service, d));
  });
  router.post(base + "upgrade", [&service](Request& request) {
    Deployment d = service.upgrade(owner_of(service, request), request.path_param("name"),
                                   text(request.params, "binary"));
    return Response::json(deployment_json(service, d));
  });
  // A custom domain: POST .../domain {domain} sets (verifies) it, DELETE .../domain removes it.
  router.post(base + "domain", [&service](Request& request) {
    Deployment d = service.set_custom_domain(owner_of(service, request), request.path_param("name"),
                                             text(request.params, "domain"));
    return Response::json(deployment_json(service, d));
  });
  router.del(base + "domain", [&service](Request& request) {
    Deployment d =
        service.remove_custom_domain(owner_of(service, request), request.path_param("name"));
    return Response::json(deployment_json(service, d));
  });
  router.post(base + "move", [&service](Request& request) {
    Deployment d = service.move(owner_of(service, request), request.path_param("name"),
                                number(request.params, "node_id"), text(request.params, "farm"),
                                text(request.params, "country"));
    return Response::json(deployment_json(service, d));
  });
  router.post(base + "resize", [&service](Request& request) {
    Owner owner = owner_of(service, request);
    std::string package = text(request.params, "package");
    if (package.empty()) package = "custom";
    Resources want = resources_from(request.params);
    Deployment d = service.resize(owner, request.path_param("name"), package, want);
    return Response::json(deployment_json(service, d));
  });
}

void add_grid_routes(http::Router& router, GridService& service) {
  router.get("/api/grid/v1/packages", [&service](Request&) {
    json::array packages;
    const auto& prices = service.options().prices;
    for (const auto& p : fixed_packages())
      packages.push_back(json::object{{"name", p.name},
                                      {"cpu", p.resources.cpu},
                                      {"memory_mb", p.resources.memory_mb},
                                      {"disk_gb", p.resources.disk_gb},
                                      {"cost_per_hour", hourly_cost(p.resources, prices)}});
    json::object custom{{"cpu", json::array{1, 32}},
                        {"memory_mb", json::array{256, 262144}},
                        {"disk_gb", json::array{1, 10000}}};
    return Response::json(
        json::object{{"packages", packages},
                     {"custom", custom},
                     {"prices", json::object{{"per_cpu", prices.per_cpu},
                                             {"per_memory_gb", prices.per_memory_gb},
                                             {"per_disk_gb", prices.per_disk_gb}}}});
  });
  router.get("/api/grid/v1/gateways", [&service](Request& request) {
    owner_of(service, request);
    json::array out;
    for (const auto& g : service.gateways()) out.push_back(gateway_json(g));
    return Response::json(out);
  });
  router.get("/api/grid/v1/farms", [&service](Request& request) {
    owner_of(service, request);
    json::array out;
    for (const auto& f : service.farms()) out.push_back(json::value(f));
    return Response::json(out);
  });
  router.get("/api/grid/v1/countries", [&service](Request& request) {
    owner_of(service, request);
    json::array out;
    for (const auto& c : service.countries()) out.push_back(json::value(c));
    return Response::json(out);
  });
  router.get("/api/grid/v1/nodes", [&service](Request& request) {
    owner_of(service, request);
    json::array out;
    if (http::param_bool(request.params, "all").value_or(false)) {
      for (const auto& n : service.nodes()) out.push_back(node_json(n));
    } else {
      NodeFilter filter{text(request.params, "farm"), text(request.params, "country"),
                        resources_from(request.params)};
      for (const auto& n : service.suggest(filter)) out.push_back(node_json(n));
    }
    return Response::json(out);
  });
  router.get("/api/grid/v1/nodes/:id", [&service](Request& request) {
    owner_of(service, request);
    auto id = parse_id(request.path_param("id"));
    auto n = id ? service.node(*id) : std::nullopt;
    if (!n) not_found("Node " + request.path_param("id") + " does not exist.");
    json::object out = node_json(*n);
    auto refusal = node_refusal(*n, resources_from(request.params));
    out["fits"] = !refusal;
    out["message"] =
        refusal ? *refusal : "Node " + std::to_string(n->id) + " is up and has enough resources.";
    return Response::json(out);
  });
  router.post("/api/grid/v1/deployments", [&service](Request& request) {
    Owner owner = owner_of(service, request);
    const auto& p = request.params;
    DeployRequest r;
    r.name = text(p, "name");
    r.package = text(p, "package");
    r.cpu = number(p, "cpu");
    r.memory_mb = number(p, "memory_mb");
    r.disk_gb = number(p, "disk_gb");
    r.gateway_id = number(p, "gateway_id");
    r.node_id = number(p, "node_id");
    r.farm = text(p, "farm");
    r.country = text(p, "country");
    r.admin_email = text(p, "admin_email");
    r.admin_username = text(p, "admin_username");
    r.admin_password = text(p, "admin_password");
    r.smtp.host = text(p, "smtp_host");
    if (auto port = number(p, "smtp_port")) {
      r.smtp.port = *port < 0 || *port > 100000 ? 0 : static_cast<int>(*port);
    }
    r.smtp.username = text(p, "smtp_username");
    r.smtp.password = text(p, "smtp_password");
    r.smtp.from_address = text(p, "smtp_from");
    r.smtp.tls = text(p, "smtp_tls");
    r.custom_domain = text(p, "custom_domain");
    DeployResult result = service.deploy(owner, std::move(r));
    json::object out = deployment_json(service, result.deployment);
    out["admin_password"] = result.admin_password;
    return Response::json(out, 201);
  });
  router.get("/api/grid/v1/deployments", [&service](Request& request) {
    Owner owner = owner_of(service, request);
    json::array out;
    for (const auto& d : service.list(owner)) out.push_back(deployment_json(service, d));
    return Response::json(out);
  });
  router.get("/api/grid/v1/deployments/:name", [&service](Request& request) {
    Owner owner = owner_of(service, request);
    Deployment d = service.get(owner, request.path_param("name"));
    json::object out = deployment_json(service, d);
    out["live"] = service.live(d);
    out["health"] = service.observe(d);
    return Response::json(out);
  });
  add_lifecycle_api_routes(router, service);
  router.del("/api/grid/v1/deployments/:name", [&service](Request& request) {
    Owner owner = owner_of(service, request);
    service.remove(owner, request.path_param("name"));
    return Response::json(json::object{{"deleted", request.path_param("name")}});
  });

  router.post("/api/grid/v1/agent/register", [&service](Request& request) {
    require_node_token(service, request);
    const auto& p = request.params;
    Node n;
    n.farm = text(p, "farm");
    n.country = text(p, "country");
    n.total = {number(p, "cpu").value_or(0), number(p, "memory_mb").value_or(0),
               number(p, "disk_gb").value_or(0)};
    n.agent_url = text(p, "agent_url");
    n.address = text(p, "address");
    if (n.farm.empty() || n.country.empty() || n.agent_url.empty() || n.address.empty())
      fail(ErrorKind::validation, "farm, country, agent_url and address are required");
    Node stored = service.register_node(number(p, "id"), n);
    return Response::json(node_json(stored));
  });
  router.post("/api/grid/v1/agent/heartbeat", [&service](Request& request) {
    require_node_token(service, request);
    auto id = number(request.params, "id");
    std::vector<std::pair<std::string, std::pair<std::string, int>>> instances;
    for (const auto& item : http::param_objects(request.params, "instances"))
      instances.push_back(
          {text(item, "name"),
           {text(item, "state"), static_cast<int>(number(item, "restart_count").value_or(0))}});
    auto expected = id ? service.heartbeat(*id, instances) : std::nullopt;
    if (!expected) not_found("Unknown node: register first");
    json::array names;
    for (const auto& name : *expected) names.push_back(json::value(name));
    return Response::json(json::object{{"expected", names}});
  });
}

}  // namespace herd::grid
