#include "grid/cli.hpp"

#include <cstdio>
#include <iostream>
#include <utility>
#include <vector>

#include "grid/agent.hpp"
#include "grid/args.hpp"
#include "grid/control_plane.hpp"
#include "grid/http_client.hpp"
#include "http/request.hpp"

namespace herd::grid {

namespace json = boost::json;

namespace {

void usage() {
  std::cout <<
      R"(Usage: herd grid COMMAND [options]

Run a grid:
  up          control plane, one local node and the nginx gateway on this machine
              (open http://localhost:8080 and deploy from the form)
  control     the control plane alone (REST API, deploy form, nginx gateway)
  node        a node agent: --control URL --token T --farm F --country C --cpu N
              --memory-mb M --disk-gb D --listen ADDR:PORT --data DIR

Use a grid (HERD_GRID_URL and HERD_GRID_TOKEN, or --url and --token; --json for JSON):
  deploy      --name N [--package minimum|standard|recommended|custom --cpu N --memory-mb M
              --disk-gb D] [--gateway ID] [--node ID | --farm F --country C]
              --admin-email E [--admin-username U] [--admin-password P]
              [--smtp-host H --smtp-port P --smtp-username U --smtp-password P
               --smtp-from F --smtp-tls starttls|tls|none] [--custom-domain D]
  list        your deployments
  show NAME   one deployment with its live cpu, memory and disk use
  delete NAME stop it, remove its route and free its capacity
  stop NAME   stop it (data and capacity kept; its host answers 404)    start NAME  again
  backup NAME a backup on its node now        backups NAME  its backups, newest first
  restore NAME --backup ID                    put a backup back (stopped meanwhile)
  upgrade NAME --binary FILE                  run a herd binary from its node's binaries folder
              (migrations run; not ready in time: back to the previous binary and data)
  resize NAME --package P | --cpu N --memory-mb M --disk-gb D   (cgroup limits in place)
  domain NAME DOMAIN   serve it at DOMAIN too, with its own ACME certificate (DOMAIN's DNS must
              point at the gateway: the ACME HTTP-01 challenge verifies it)
  domain NAME --remove                        stop serving its custom domain
  move NAME [--node ID | --farm F --country C]   to another node, from a backup taken now, or
              (its node down) from the newest backup the control plane keeps
  nodes       suggested nodes [--farm F] [--country C] [--package P | --cpu --memory-mb
              --disk-gb] (--all: every node)
  gateways    the grid's gateways
  farms       the grid's farms
)";
}

struct Client {
  std::string url, token;
  bool json_output = false;

  json::value call(const std::string& method, const std::string& path,
                   const json::object& body = {}) {
    HttpOptions options{token, "", 180000};
    auto result =
        http_request(method, url + path, body.empty() ? "" : json::serialize(body), options);
    if (result.status >= 400) throw std::runtime_error(result.error_message());
    return result.json();
  }
};

std::string query_from(Args& args, const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string query;
  for (const auto& [option, param] : keys) {
    std::string value = args.get(option, "");
    if (value.empty()) continue;
    query += (query.empty() ? "?" : "&") + param + "=" + http::percent_encode(value);
  }
  return query;
}

std::string str(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

void print_deployments(const json::array& list) {
  std::printf("%-16s %-32s %-12s %-5s %-10s %-8s %-10s %-10s %s\n", "NAME", "DOMAIN", "PACKAGE",
              "NODE", "FARM", "COUNTRY", "GATEWAY", "STATUS", "CREATED");
  for (const auto& item : list) {
    const auto& d = item.as_object();
    std::printf("%-16s %-32s %-12s %-5s %-10s %-8s %-10s %-10s %s\n", str(d.at("name")).c_str(),
                str(d.at("domain")).c_str(), str(d.at("package")).c_str(),
                str(d.at("node_id")).c_str(), str(d.at("farm")).c_str(),
                str(d.at("country")).c_str(), str(d.at("gateway")).c_str(),
                str(d.at("status")).c_str(), str(d.at("created_at")).c_str());
  }
}

int client_command(const std::string& command, Args& args) {
  Client client{args.get("url", env_or("HERD_GRID_URL", "http://localhost:8080")),
                args.get("token", env_or("HERD_GRID_TOKEN", "")), args.flag("json")};
  while (!client.url.empty() && client.url.back() == '/') client.url.pop_back();
  json::value result;
  if (command == "deploy") {
    json::object body;
    auto put = [&](const char* option, const char* key) {
      if (args.has(option)) body[key] = args.get(option);
    };
    put("name", "name");
    put("package", "package");
    put("cpu", "cpu");
    put("memory-mb", "memory_mb");
    put("disk-gb", "disk_gb");
    put("gateway", "gateway_id");
    put("node", "node_id");
    put("farm", "farm");
    put("country", "country");
    put("admin-email", "admin_email");
    put("admin-username", "admin_username");
    put("admin-password", "admin_password");
    put("smtp-host", "smtp_host");
    put("smtp-port", "smtp_port");
    put("smtp-username", "smtp_username");
    put("smtp-password", "smtp_password");
    put("smtp-from", "smtp_from");
    put("smtp-tls", "smtp_tls");
    put("custom-domain", "custom_domain");
    args.check_all_used();
    result = client.call("POST", "/api/grid/v1/deployments", body);
    if (!client.json_output) {
      const auto& d = result.as_object();
      std::cout << "Deployed " << str(d.at("name")) << " on node " << str(d.at("node_id")) << ": "
                << str(d.at("url")) << "\n"
                << "Admin: " << str(d.at("admin_username")) << " <" << str(d.at("admin_email"))
                << ">\nAdmin password: " << str(d.at("admin_password"))
                << "\n(shown once; keep it somewhere safe)\n";
      return 0;
    }
  } else if (command == "list") {
    args.check_all_used();
    result = client.call("GET", "/api/grid/v1/deployments");
    if (!client.json_output) {
      print_deployments(result.as_array());
      return 0;
    }
  } else if (command == "show" || command == "delete") {
    if (args.positional().size() < 2) throw std::runtime_error(command + " needs a NAME");
    args.check_all_used();
    std::string path = "/api/grid/v1/deployments/" + http::percent_encode(args.positional()[1]);
    result = client.call(command == "show" ? "GET" : "DELETE", path);
    if (!client.json_output) {
      if (command == "delete") {
        std::cout << "Deleted " << args.positional()[1] << "\n";
        return 0;
      }
      const auto& d = result.as_object();
      for (const char* key :
           {"name", "domain", "url", "package", "cpu", "memory_mb", "disk_gb", "node_id", "farm",
            "country", "gateway", "status", "restart_count", "created_at", "admin_username",
            "admin_email", "custom_domain", "error"})
        std::printf("%-16s %s\n", key, str(d.at(key)).c_str());
      if (d.at("live").is_object()) {
        const auto& live = d.at("live").as_object();
        std::printf("%-16s %.1f%%\n%-16s %s bytes\n%-16s %s of %s bytes\n", "cpu use",
                    live.at("cpu_percent").to_number<double>(), "memory use",
                    str(live.at("memory_bytes")).c_str(), "disk use",
                    str(live.at("disk_bytes")).c_str(), str(live.at("disk_quota_bytes")).c_str());
      }
      if (d.contains("health") && d.at("health").is_object()) {
        const auto& health = d.at("health").as_object();
        std::printf("%-16s %s\n%-16s %s\n%-16s %s\n", "ready", str(health.at("ready")).c_str(),
                    "users", str(health.at("user_count")).c_str(), "statuses",
                    str(health.at("status_count")).c_str());
        std::cout << "recent log lines:\n";
        for (const auto& line : health.at("log").as_array()) std::cout << "  " << str(line) << "\n";
      }
      return 0;
    }
  } else if (command == "stop" || command == "start" || command == "backup" ||
             command == "backups" || command == "restore" || command == "upgrade" ||
             command == "resize" || command == "move") {
    if (args.positional().size() < 2) throw std::runtime_error(command + " needs a NAME");
    std::string path = "/api/grid/v1/deployments/" + http::percent_encode(args.positional()[1]);
    json::object body;
    if (command == "restore") body["backup"] = args.get("backup");
    if (command == "upgrade") body["binary"] = args.get("binary");
    if (command == "move")
      for (const auto& [option, key] : std::vector<std::pair<std::string, std::string>>{
               {"node", "node_id"}, {"farm", "farm"}, {"country", "country"}})
        if (args.has(option)) body[key] = args.get(option);
    if (command == "resize")
      for (const auto& [option, key] :
           std::vector<std::pair<std::string, std::string>>{{"package", "package"},
                                                            {"cpu", "cpu"},
                                                            {"memory-mb", "memory_mb"},
                                                            {"disk-gb", "disk_gb"}})
        if (args.has(option)) body[key] = args.get(option);
    args.check_all_used();
    std::string verb = command == "backup" ? "backups" : command;
    result = client.call(command == "backups" ? "GET" : "POST", path + "/" + verb, body);
    if (!client.json_output) {
      if (command == "backups") {
        for (const auto& b : result.as_array())
          std::cout << str(b.at("id")) << "  " << str(b.at("created_at")) << "  "
                    << str(b.at("bytes")) << " bytes\n";
      } else if (command == "backup") {
        std::cout << "Backup " << str(result.at("id")) << " of " << args.positional()[1] << " ("
                  << str(result.at("bytes")) << " bytes)\n";
      } else {
        std::cout << args.positional()[1] << ": " << str(result.at("status")) << ", "
                  << str(result.at("package")) << " (" << str(result.at("cpu")) << " cpu, "
                  << str(result.at("memory_mb")) << " MB, " << str(result.at("disk_gb"))
                  << " GB), on node " << str(result.at("node_id")) << "\n";
      }
      return 0;
    }
  } else if (command == "domain") {
    const auto& words = args.positional();
    bool remove = args.flag("remove");
    if (words.size() < 2 || (words.size() < 3 && !remove) || (words.size() > 2 && remove))
      throw std::runtime_error("domain needs a NAME and a DOMAIN, or a NAME and --remove");
    args.check_all_used();
    std::string path = "/api/grid/v1/deployments/" + http::percent_encode(words[1]) + "/domain";
    result = remove ? client.call("DELETE", path)
                    : client.call("POST", path, json::object{{"domain", words[2]}});
    if (!client.json_output) {
      std::cout << words[1] << ": "
                << (remove ? std::string("no custom domain")
                           : "custom domain " + str(result.at("custom_domain")) + " verified, " +
                                 str(result.at("custom_url")))
                << "\n";
      return 0;
    }
  } else if (command == "nodes") {
    std::string query = query_from(args, {{"farm", "farm"},
                                          {"country", "country"},
                                          {"package", "package"},
                                          {"cpu", "cpu"},
                                          {"memory-mb", "memory_mb"},
                                          {"disk-gb", "disk_gb"},
                                          {"all", "all"}});
    args.check_all_used();
    result = client.call("GET", "/api/grid/v1/nodes" + query);
    if (!client.json_output) {
      std::printf("%-5s %-12s %-8s %-5s %-16s %-16s %s\n", "ID", "FARM", "COUNTRY", "UP",
                  "FREE CPU", "FREE MEMORY MB", "FREE DISK GB");
      for (const auto& item : result.as_array()) {
        const auto& n = item.as_object();
        const auto& f = n.at("free").as_object();
        std::printf("%-5s %-12s %-8s %-5s %-16s %-16s %s\n", str(n.at("id")).c_str(),
                    str(n.at("farm")).c_str(), str(n.at("country")).c_str(),
                    str(n.at("status")).c_str(), str(f.at("cpu")).c_str(),
                    str(f.at("memory_mb")).c_str(), str(f.at("disk_gb")).c_str());
      }
      return 0;
    }
  } else if (command == "gateways" || command == "farms") {
    args.check_all_used();
    result = client.call("GET", "/api/grid/v1/" + command);
    if (!client.json_output) {
      for (const auto& item : result.as_array())
        std::cout << (item.is_object() ? str(item.at("id")) + "  " + str(item.at("domain")) + "  " +
                                             str(item.at("url"))
                                       : str(item))
                  << "\n";
      return 0;
    }
  } else {
    std::cerr << "herd grid: unknown command " << command << "\n";
    usage();
    return 2;
  }
  std::cout << json::serialize(result) << "\n";
  return 0;
}

}  // namespace

int grid_main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    usage();
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "up") return up_main(argc - 1, argv + 1);
  if (command == "control") return control_main(argc - 1, argv + 1);
  if (command == "node") return node_main(argc - 1, argv + 1);
  try {
    Args args(argc, argv);
    if (args.flag("help")) {  // herd grid deploy --help ...
      usage();
      return 0;
    }
    return client_command(command, args);
  } catch (const HttpUnreachable& error) {
    std::cerr << "herd grid " << command << ": " << error.what()
              << " (set HERD_GRID_URL to the control plane or gateway)\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "herd grid " << command << ": " << error.what() << "\n";
    return 1;
  }
}

}  // namespace herd::grid
