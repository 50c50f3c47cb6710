#include "grid/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "grid/agent.hpp"
#include "grid/control_plane.hpp"
#include "grid/http_client.hpp"
#include "http/request.hpp"

namespace herd::grid {

namespace json = boost::json;

namespace {

struct Client {
  std::string url = "http://localhost:8080", token;
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

void print_deployment(const json::object& d) {
  for (const char* key : {"name", "domain", "url", "package", "cpu", "memory_mb", "disk_gb",
                          "node_id", "farm", "country", "gateway", "status", "restart_count",
                          "created_at", "admin_username", "admin_email", "custom_domain", "error"})
    std::printf("%-16s %s\n", key, d.contains(key) ? str(d.at(key)).c_str() : "");
  if (d.contains("live") && d.at("live").is_object()) {
    const auto& live = d.at("live").as_object();
    std::printf("%-16s %.1f%%\n%-16s %s bytes\n%-16s %s of %s bytes\n", "cpu use",
                live.at("cpu_percent").to_number<double>(), "memory use",
                str(live.at("memory_bytes")).c_str(), "disk use",
                str(live.at("disk_bytes")).c_str(), str(live.at("disk_quota_bytes")).c_str());
  }
  if (d.contains("health") && d.at("health").is_object()) {
    const auto& health = d.at("health").as_object();
    std::printf("%-16s %s\n%-16s %s\n%-16s %s\n", "ready", str(health.at("ready")).c_str(), "users",
                str(health.at("user_count")).c_str(), "statuses",
                str(health.at("status_count")).c_str());
    std::cout << "recent log lines:\n";
    for (const auto& line : health.at("log").as_array()) std::cout << "  " << str(line) << "\n";
  }
}

void print_state(const std::string& name, const json::value& result) {
  std::cout << name << ": " << str(result.at("status")) << ", " << str(result.at("package")) << " ("
            << str(result.at("cpu")) << " cpu, " << str(result.at("memory_mb")) << " MB, "
            << str(result.at("disk_gb")) << " GB), on node " << str(result.at("node_id")) << "\n";
}

// Options that become fields of a JSON body (or query) when given.
struct Fields {
  std::vector<std::pair<std::string, std::string>> texts;  // key -> value
  std::vector<std::pair<std::string, std::int64_t>> numbers;
  std::vector<std::pair<std::string, CLI::Option*>> given;  // key -> option (text or number)
  std::map<std::string, std::string> text_values;
  std::map<std::string, std::int64_t> number_values;

  CLI::Option* text(CLI::App* command, const std::string& option, const std::string& key,
                    const std::string& help) {
    auto* added = command->add_option(option, text_values[key], help);
    given.emplace_back(key, added);
    return added;
  }
  CLI::Option* number(CLI::App* command, const std::string& option, const std::string& key,
                      const std::string& help, std::int64_t min, std::int64_t max) {
    auto* added =
        command->add_option(option, number_values[key], help)->check(CLI::Range(min, max));
    given.emplace_back(key, added);
    return added;
  }
  json::object body() const {
    json::object out;
    for (const auto& [key, option] : given) {
      if (!option->count()) continue;
      if (number_values.count(key))
        out[key] = number_values.at(key);
      else
        out[key] = text_values.at(key);
    }
    return out;
  }
  std::string query() const {
    std::string out;
    for (const auto& [key, value] : body()) {
      std::string text =
          value.is_string() ? std::string(value.as_string()) : json::serialize(value);
      out += (out.empty() ? "?" : "&") + std::string(key) + "=" + http::percent_encode(text);
    }
    return out;
  }
};

constexpr std::int64_t kMaxId = std::int64_t{1} << 53;

void add_resources(Fields& f, CLI::App* command) {
  f.number(command, "--cpu", "cpu", "cpus (custom package)", 1, 4096);
  f.number(command, "--memory-mb", "memory_mb", "memory in MB (custom package)", 1,
           std::int64_t{1} << 40);
  f.number(command, "--disk-gb", "disk_gb", "disk in GB (custom package)", 1,
           std::int64_t{1} << 30);
}

const std::vector<std::string> kPackages{"minimum", "standard", "recommended", "custom"};

// The client commands: each adds its subcommand; the one parsed sets `run`.
void add_client_commands(CLI::App& grid, Action& run) {
  // One client for every command, its defaults from the environment (not CLI11's envname: it
  // reads the environment for every command's options, over the --token given to this one).
  auto client = std::make_shared<Client>();
  if (const char* url = std::getenv("HERD_GRID_URL"); url && *url) client->url = url;
  if (const char* token = std::getenv("HERD_GRID_TOKEN"); token && *token) client->token = token;
  auto with_client = [client](CLI::App* command) {
    command->add_option("--url", client->url, "the control plane or gateway (HERD_GRID_URL)")
        ->capture_default_str();
    command->add_option("--token", client->token, "your API token (HERD_GRID_TOKEN)");
    command->add_flag("--json", client->json_output, "print the API's JSON");
    return command;
  };
  // A command on one deployment: NAME, then what `work` does with the deployment's API path.
  auto on_deployment =
      [&grid, &run, client, with_client](
          const std::string& name, const std::string& help,
          std::function<void(CLI::App*, std::shared_ptr<Fields>)> options,
          std::function<int(const std::string&, const std::string&, Fields&)> work) {
        auto* command = with_client(grid.add_subcommand(name, help));
        auto deployment = std::make_shared<std::string>();
        command->add_option("NAME", *deployment, "the deployment")->required();
        auto fields = std::make_shared<Fields>();
        if (options) options(command, fields);
        command->callback([&run, deployment, fields, work] {
          run = [deployment, fields, work] {
            return work(*deployment,
                        "/api/grid/v1/deployments/" + http::percent_encode(*deployment), *fields);
          };
        });
      };

  auto* deploy = with_client(grid.add_subcommand("deploy", "deploy an instance"));
  auto deploy_fields = std::make_shared<Fields>();
  {
    Fields& f = *deploy_fields;
    f.text(deploy, "--name", "name", "2-15 lowercase letters and digits (required)");
    f.text(deploy, "--package", "package", "minimum, standard, recommended or custom")
        ->check(CLI::IsMember(kPackages));
    add_resources(f, deploy);
    f.number(deploy, "--gateway", "gateway_id", "gateway id", 1, kMaxId);
    auto* node = f.number(deploy, "--node", "node_id", "node id (manual selection)", 1, kMaxId);
    f.text(deploy, "--farm", "farm", "capacity filter: farm")->excludes(node);
    f.text(deploy, "--country", "country", "capacity filter: country")->excludes(node);
    f.text(deploy, "--admin-email", "admin_email", "the instance's admin (required)");
    f.text(deploy, "--admin-username", "admin_username", "default adminuser");
    f.text(deploy, "--admin-password", "admin_password", "default: generated, shown once");
    auto* smtp = f.text(deploy, "--smtp-host", "smtp_host", "the instance's mail server");
    f.number(deploy, "--smtp-port", "smtp_port", "its port", 1, 65535)->needs(smtp);
    f.text(deploy, "--smtp-username", "smtp_username", "its login")->needs(smtp);
    f.text(deploy, "--smtp-password", "smtp_password", "its password")->needs(smtp);
    f.text(deploy, "--smtp-from", "smtp_from", "the From address")->needs(smtp);
    f.text(deploy, "--smtp-tls", "smtp_tls", "starttls, tls or none")
        ->check(CLI::IsMember({"starttls", "tls", "none"}))
        ->needs(smtp);
    f.text(deploy, "--custom-domain", "custom_domain",
           "serve it at this domain too (its DNS must point at the gateway; needs ACME)");
  }
  deploy->callback([&run, client, deploy_fields] {
    run = [client, deploy_fields] {
      auto result = client->call("POST", "/api/grid/v1/deployments", deploy_fields->body());
      if (client->json_output) {
        std::cout << json::serialize(result) << "\n";
        return 0;
      }
      const auto& d = result.as_object();
      std::cout << "Deployed " << str(d.at("name")) << " on node " << str(d.at("node_id")) << ": "
                << str(d.at("url")) << "\n"
                << "Admin: " << str(d.at("admin_username")) << " <" << str(d.at("admin_email"))
                << ">\nAdmin password: " << str(d.at("admin_password"))
                << "\n(shown once; keep it somewhere safe)\n";
      return 0;
    };
  });

  auto* list = with_client(grid.add_subcommand("list", "your deployments"));
  list->callback([&run, client] {
    run = [client] {
      auto result = client->call("GET", "/api/grid/v1/deployments");
      if (client->json_output)
        std::cout << json::serialize(result) << "\n";
      else
        print_deployments(result.as_array());
      return 0;
    };
  });

  // Prints the JSON, or the human form.
  auto answer = [client](const json::value& result, const std::function<void()>& human) {
    if (client->json_output)
      std::cout << json::serialize(result) << "\n";
    else
      human();
    return 0;
  };
  on_deployment("show", "one deployment with its health, cpu, memory and disk use", {},
                [client, answer](const std::string&, const std::string& path, Fields&) {
                  auto result = client->call("GET", path);
                  return answer(result, [&] { print_deployment(result.as_object()); });
                });
  on_deployment("delete", "stop it, remove its route and free its capacity", {},
                [client, answer](const std::string& name, const std::string& path, Fields&) {
                  auto result = client->call("DELETE", path);
                  return answer(result, [&] { std::cout << "Deleted " << name << "\n"; });
                });
  for (const char* verb : {"stop", "start"})
    on_deployment(verb,
                  std::string(verb) == "stop"
                      ? "stop it (data and capacity kept; its host answers 404)"
                      : "start it again",
                  {},
                  [client, answer, verb = std::string(verb)](const std::string& name,
                                                             const std::string& path, Fields&) {
                    auto result = client->call("POST", path + "/" + verb);
                    return answer(result, [&] { print_state(name, result); });
                  });
  on_deployment("backup", "a backup on its node now", {},
                [client, answer](const std::string& name, const std::string& path, Fields&) {
                  auto result = client->call("POST", path + "/backups");
                  return answer(result, [&] {
                    std::cout << "Backup " << str(result.at("id")) << " of " << name << " ("
                              << str(result.at("bytes")) << " bytes)\n";
                  });
                });
  on_deployment("backups", "its backups, newest first", {},
                [client, answer](const std::string&, const std::string& path, Fields&) {
                  auto result = client->call("GET", path + "/backups");
                  return answer(result, [&] {
                    for (const auto& b : result.as_array())
                      std::cout << str(b.at("id")) << "  " << str(b.at("created_at")) << "  "
                                << str(b.at("bytes")) << " bytes\n";
                  });
                });
  on_deployment(
      "restore", "put a backup back (it is stopped meanwhile)",
      [](CLI::App* command, std::shared_ptr<Fields> f) {
        f->text(command, "--backup", "backup", "the backup's id (herd grid backups NAME)")
            ->required();
      },
      [client, answer](const std::string& name, const std::string& path, Fields& f) {
        auto result = client->call("POST", path + "/restore", f.body());
        return answer(result, [&] { print_state(name, result); });
      });
  on_deployment(
      "upgrade",
      "run a herd binary from its node's binaries folder (migrations run; not ready in time: "
      "back to the previous binary and data)",
      [](CLI::App* command, std::shared_ptr<Fields> f) {
        f->text(command, "--binary", "binary", "a file in the node's binaries folder")->required();
      },
      [client, answer](const std::string& name, const std::string& path, Fields& f) {
        auto result = client->call("POST", path + "/upgrade", f.body());
        return answer(result, [&] { print_state(name, result); });
      });
  on_deployment(
      "resize",
      "another package: cgroup limits changed in place, or moved to a node with room when it "
      "does not fit its own",
      [](CLI::App* command, std::shared_ptr<Fields> f) {
        f->text(command, "--package", "package", "minimum, standard, recommended or custom")
            ->check(CLI::IsMember(kPackages));
        add_resources(*f, command);
      },
      [client, answer](const std::string& name, const std::string& path, Fields& f) {
        json::object body = f.body();
        if (body.empty())
          throw CLI::ValidationError("resize", "needs --package or --cpu, --memory-mb, --disk-gb");
        auto result = client->call("POST", path + "/resize", body);
        return answer(result, [&] { print_state(name, result); });
      });
  on_deployment(
      "move",
      "to another node (by id, or the first with room in --farm/--country), from a backup taken "
      "now or, its node down, the newest one the control plane keeps",
      [](CLI::App* command, std::shared_ptr<Fields> f) {
        auto* node = f->number(command, "--node", "node_id", "the node's id", 1, kMaxId);
        f->text(command, "--farm", "farm", "a farm")->excludes(node);
        f->text(command, "--country", "country", "a country")->excludes(node);
      },
      [client, answer](const std::string& name, const std::string& path, Fields& f) {
        auto result = client->call("POST", path + "/move", f.body());
        return answer(result, [&] { print_state(name, result); });
      });
  auto remove = std::make_shared<bool>(false);
  on_deployment(
      "domain",
      "serve it at DOMAIN too, with its own ACME certificate (DOMAIN's DNS must point at the "
      "gateway: the ACME HTTP-01 challenge verifies it), or --remove it",
      [remove](CLI::App* command, std::shared_ptr<Fields> f) {
        auto* domain = f->text(command, "DOMAIN", "domain", "e.g. social.example.org");
        auto* flag = command->add_flag("--remove", *remove, "stop serving its custom domain");
        domain->excludes(flag);
      },
      [client, answer, remove](const std::string& name, const std::string& path, Fields& f) {
        if (!*remove && f.body().empty())
          throw CLI::ValidationError("domain", "needs a DOMAIN, or --remove");
        auto result = *remove ? client->call("DELETE", path + "/domain")
                              : client->call("POST", path + "/domain", f.body());
        return answer(result, [&] {
          std::cout << name << ": "
                    << (*remove ? std::string("no custom domain")
                                : "custom domain " + str(result.at("custom_domain")) +
                                      " verified, " + str(result.at("custom_url")))
                    << "\n";
        });
      });

  auto* nodes = with_client(grid.add_subcommand("nodes", "nodes with room, or --all"));
  auto node_fields = std::make_shared<Fields>();
  node_fields->text(nodes, "--farm", "farm", "in this farm");
  node_fields->text(nodes, "--country", "country", "in this country");
  node_fields->text(nodes, "--package", "package", "with room for this package")
      ->check(CLI::IsMember(kPackages));
  add_resources(*node_fields, nodes);
  auto all = std::make_shared<bool>(false);
  nodes->add_flag("--all", *all, "every node, up or down, with room or not");
  nodes->callback([&run, client, node_fields, all] {
    run = [client, node_fields, all] {
      std::string query = node_fields->query();
      if (*all) query += (query.empty() ? "?" : "&") + std::string("all=true");
      auto result = client->call("GET", "/api/grid/v1/nodes" + query);
      if (client->json_output) {
        std::cout << json::serialize(result) << "\n";
        return 0;
      }
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
    };
  });
  for (const char* what : {"gateways", "farms"}) {
    auto* command = with_client(grid.add_subcommand(what, std::string("the grid's ") + what));
    command->callback([&run, client, what = std::string(what)] {
      run = [client, what] {
        auto result = client->call("GET", "/api/grid/v1/" + what);
        if (client->json_output) {
          std::cout << json::serialize(result) << "\n";
          return 0;
        }
        for (const auto& item : result.as_array())
          std::cout << (item.is_object() ? str(item.at("id")) + "  " + str(item.at("domain")) +
                                               "  " + str(item.at("url"))
                                         : str(item))
                    << "\n";
        return 0;
      };
    });
  }
}

}  // namespace

int grid_main(int argc, char** argv) {
  CLI::App grid(
      "Deploy herd instances onto the nodes of a grid, behind an nginx gateway. Client commands "
      "find the control plane through HERD_GRID_URL and HERD_GRID_TOKEN (or --url, --token).",
      "herd grid");
  grid.require_subcommand(1);
  Action run;
  add_up_command(grid, run);
  add_control_command(grid, run);
  add_node_command(grid, run);
  add_client_commands(grid, run);
  if (argc >= 2 && argv[1][0] != '-') {
    try {
      grid.get_subcommand(argv[1]);
    } catch (const CLI::Error&) {
      std::cerr << "herd grid: unknown command " << argv[1] << " (herd grid --help lists them)\n";
      return 2;
    }
  }
  try {
    grid.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return grid.exit(error) == 0 ? 0 : 2;  // --help: the help; a bad command line: what is wrong
  }
  if (!run) {
    std::cerr << grid.help();
    return 2;
  }
  std::string command = grid.get_subcommands().empty() ? "" : grid.get_subcommands()[0]->get_name();
  try {
    return run();
  } catch (const CLI::ValidationError& error) {
    std::cerr << "herd grid " << command << ": " << error.what() << "\n";
    return 2;
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
