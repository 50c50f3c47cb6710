#include "admin/admin.hpp"

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "admin/moderation.hpp"
#include "admin/seed.hpp"
#include "app.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "service/accounts.hpp"
#include "service/announcements.hpp"
#include "service/instance_documents.hpp"
#include "store/accounts.hpp"

namespace herd::admin {

namespace {

void usage() {
  std::cout
      << "Usage (same settings as herd serve: DATABASE_URL, HERD_DATA_DIR, LOCAL_DOMAIN...):\n"
         "  herd admin seed --accounts N --statuses M [--follows F] [--password P]\n"
         "  herd admin rules list\n"
         "  herd admin rules add TEXT [--hint HINT]\n"
         "  herd admin accounts create USERNAME --email EMAIL [--password P] [--role "
         "user|moderator|admin]\n"
         "  herd admin reports [--resolved true] | reports resolve|reopen ID\n"
         "  herd admin aliases USERNAME [URI... | -]\n"
         "  herd admin deliveries   (deliveries that could not be made)\n"
         "  herd admin documents show|set|reset privacy_policy|terms_of_service|"
         "extended_description [FILE | -]\n";
}

// --name value pairs after the positional arguments.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
};

Args parse(int argc, char** argv, int from) {
  Args args;
  for (int i = from; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0 && i + 1 < argc)
      args.options[arg.substr(2)] = argv[++i];
    else
      args.positional.push_back(arg);
  }
  return args;
}

std::size_t number(const Args& args, const std::string& name, std::size_t fallback) {
  auto it = args.options.find(name);
  if (it == args.options.end()) return fallback;
  return std::stoull(it->second);
}

}  // namespace

int admin_main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  App app;
  try {
    app.config = load_config("", environment());
  } catch (const ConfigError& error) {
    std::cerr << "herd admin: configuration error: " << error.what() << "\n";
    return 2;
  }
  app.set_base_url();
  try {
    app.db = store::open_database(app.config.database_url, 2);
    store::migrate(*app.db);
    std::string command = argv[1];
    if (command == "seed") {
      Args args = parse(argc, argv, 2);
      SeedOptions options;
      options.accounts = number(args, "accounts", options.accounts);
      options.statuses = number(args, "statuses", options.statuses);
      options.follows = number(args, "follows", options.follows);
      if (args.options.count("password")) options.password = args.options["password"];
      auto begin = std::chrono::steady_clock::now();
      SeedStats stats = seed(app, options);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      std::cout << "seeded " << stats.accounts << " accounts, " << stats.follows << " follows, "
                << stats.statuses << " statuses in " << seconds << " s\n";
      return 0;
    }
    if (command == "rules") {
      Args args = parse(argc, argv, 2);
      if (!args.positional.empty() && args.positional[0] == "add" && args.positional.size() == 2) {
        store::Rule rule;
        rule.id = next_id();
        rule.text = args.positional[1];
        rule.hint = args.options.count("hint") ? args.options["hint"] : "";
        app.db->write([&](store::Connection& c) {
          rule.position = static_cast<int>(store::list_rules(c).size());
          store::insert_rule(c, rule);
        });
        std::cout << "added rule " << rule.id << "\n";
        return 0;
      }
      if (!args.positional.empty() && args.positional[0] == "list") {
        app.db->read([&](store::Connection& c) {
          for (const auto& rule : store::list_rules(c))
            std::cout << rule.id << "\t" << rule.text << "\n";
        });
        return 0;
      }
    }
    if (command == "reports" || command == "aliases" || command == "deliveries")
      return moderation_command(app, argc, argv);
    if (command == "announcements") {
      Args args = parse(argc, argv, 2);
      auto time_option = [&](const char* name) -> std::optional<std::int64_t> {
        if (!args.options.count(name)) return std::nullopt;
        auto at = parse_rfc3339(args.options[name]);
        if (!at) throw std::runtime_error(std::string("--") + name + ": not an RFC 3339 time");
        return at;
      };
      if (args.positional.size() == 2 && args.positional[0] == "add") {
        auto a = service::publish_announcement(app, args.positional[1], time_option("starts-at"),
                                               time_option("ends-at"),
                                               args.options["all-day"] == "true");
        std::cout << "published announcement " << a.id << "\n";
        return 0;
      }
      if (args.positional.size() == 1 && args.positional[0] == "list") {
        app.db->read([&](store::Connection& c) {
          for (const auto& a : store::all_announcements(c))
            std::cout << a.id << "\t" << rfc3339(a.published_at) << "\t" << a.text << "\n";
        });
        return 0;
      }
      if (args.positional.size() == 2 && args.positional[0] == "remove") {
        bool removed = app.db->write_value([&](store::Connection& c) {
          return store::delete_announcement(c, std::stoll(args.positional[1]));
        });
        std::cout << (removed ? "removed\n" : "no such announcement\n");
        return removed ? 0 : 1;
      }
    }
    if (command == "documents" && argc >= 4) {
      std::string action = argv[2];
      auto kind = service::parse_instance_document(argv[3]);
      if (!kind) {
        std::cerr << "herd admin: unknown document " << argv[3] << "\n";
        return 2;
      }
      if (action == "show") {
        std::cout << service::instance_document(app, *kind).html << "\n";
        return 0;
      }
      if (action == "reset") {
        service::set_instance_document(app, *kind, "");
        std::cout << "reset " << argv[3] << " to herd's template\n";
        return 0;
      }
      if (action == "set" && argc >= 5) {
        std::string path = argv[4];
        std::ifstream file;
        if (path != "-") {
          file.open(path);
          if (!file) {
            std::cerr << "herd admin: cannot read " << path << "\n";
            return 1;
          }
        }
        std::istream& in = path == "-" ? std::cin : file;
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        service::set_instance_document(app, *kind, text);
        std::cout << "set " << argv[3] << " (" << text.size() << " bytes)\n";
        return 0;
      }
    }
    if (command == "accounts") {
      Args args = parse(argc, argv, 2);
      if (args.positional.size() == 2 && args.positional[0] == "create") {
        service::NewAccount input;
        input.username = args.positional[1];
        input.email = args.options["email"];
        input.password = args.options.count("password") ? args.options["password"] : "";
        bool generated = input.password.empty();
        if (generated) input.password = "generated-" + std::to_string(next_id());
        input.role = args.options.count("role") ? args.options["role"] : "user";
        input.confirmed = true;
        auto [account, user] = service::create_local_account(app, input);
        std::cout << "created @" << account.username << " (id " << account.id << ")";
        if (generated) std::cout << ", password: " << input.password;
        std::cout << "\n";
        return 0;
      }
    }
  } catch (const ApiError& error) {
    std::cerr << "herd admin: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "herd admin: " << error.what() << "\n";
    return 1;
  }
  usage();
  return 2;
}

}  // namespace herd::admin
