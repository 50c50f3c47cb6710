// `herd admin`: the command line (CLI11), then each command on an App opened with herd serve's
// settings. Parsing comes first, so that --help, an unknown option or a bad value never touches
// the instance.
#include "admin/admin.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "admin/backup.hpp"
#include "admin/emoji.hpp"
#include "admin/mail.hpp"
#include "admin/maintenance.hpp"
#include "admin/moderation.hpp"
#include "admin/seed.hpp"
#include "api/routes.hpp"
#include "app.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "service/accounts.hpp"
#include "service/announcements.hpp"
#include "service/instance_documents.hpp"
#include "service/instance_settings.hpp"
#include "service/search.hpp"
#include "service/two_factor.hpp"
#include "store/accounts.hpp"
#include "store/id_tags.hpp"

namespace herd::admin {

namespace {

constexpr const char* kSettings =
    "\nSettings are herd serve's (DATABASE_URL, HERD_DATA_DIR, LOCAL_DOMAIN...: herd serve "
    "--help).";

// An RFC 3339 time option (CLI11 validator).
const CLI::Validator kTime(
    [](std::string& value) {
      return parse_rfc3339(value) ? std::string() : "not an RFC 3339 time: " + value;
    },
    "TIME");

int run_seed(App& app, SeedOptions options) {
  auto begin = std::chrono::steady_clock::now();
  SeedStats stats = seed(app, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::cout << "seeded " << stats.accounts << " accounts, " << stats.follows << " follows, "
            << stats.statuses << " statuses in " << seconds << " s\n";
  return 0;
}

int add_rule(App& app, const std::string& text, const std::string& hint) {
  store::Rule rule = service::add_rule(app, text, hint);
  std::cout << "added rule " << rule.id << "\n";
  return 0;
}

int list_rules(App& app) {
  app.db->read([&](store::Connection& c) {
    for (const auto& rule : store::list_rules(c)) std::cout << rule.id << "\t" << rule.text << "\n";
  });
  return 0;
}

int create_account(App& app, service::NewAccount input) {
  bool generated = input.password.empty();
  if (generated) input.password = "generated-" + std::to_string(next_id());
  input.confirmed = true;
  auto [account, user] = service::create_local_account(app, input);
  std::cout << "created @" << account.username << " (id " << account.id << ")";
  if (generated) std::cout << ", password: " << input.password;
  std::cout << "\n";
  return 0;
}

int disable_two_factor(App& app, const std::string& username) {
  auto user = app.db->read_value([&](store::Connection& c) -> std::optional<store::User> {
    auto account = store::find_account_by_username(c, username, "");
    return account ? store::find_user_by_account(c, account->id) : std::nullopt;
  });
  if (!user) throw std::runtime_error("no local account @" + username);
  bool was_on = service::admin_disable_two_factor(app, user->id);
  std::cout << "two-factor authentication " << (was_on ? "disabled" : "was already off") << " for @"
            << username << "\n";
  return 0;
}

int add_announcement(App& app, const std::string& text, const std::string& starts_at,
                     const std::string& ends_at, bool all_day) {
  auto time_of = [](const std::string& value) -> std::optional<std::int64_t> {
    if (value.empty()) return std::nullopt;
    return parse_rfc3339(value);
  };
  auto a = service::publish_announcement(app, text, time_of(starts_at), time_of(ends_at), all_day);
  std::cout << "published announcement " << a.id << "\n";
  return 0;
}

// The route table of `herd serve` (method and pattern, in registration order, and "quick read"
// for the routes that may run on an I/O thread, http::Cost); --json: an array of {"method",
// "path", "quick_read"} (the authorization matrix and quick reads tests read it).
int list_routes(App& app, bool as_json) {
  http::Router router = api::build_router(app);
  boost::json::array out;
  for (const auto& [method, pattern] : router.table()) {
    bool quick = router.is_quick_read(method, pattern);
    if (as_json)
      out.push_back(
          boost::json::object{{"method", method}, {"path", pattern}, {"quick_read", quick}});
    else
      std::cout << method << "\t" << pattern << (quick ? "\tquick read" : "") << "\n";
  }
  if (as_json) std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

int list_announcements(App& app) {
  app.db->read([&](store::Connection& c) {
    for (const auto& a : store::all_announcements(c))
      std::cout << a.id << "\t" << rfc3339(a.published_at) << "\t" << a.text << "\n";
  });
  return 0;
}

int remove_announcement(App& app, Id id) {
  bool removed =
      app.db->write_value([&](store::Connection& c) { return store::delete_announcement(c, id); });
  std::cout << (removed ? "removed\n" : "no such announcement\n");
  return removed ? 0 : 1;
}

int document(App& app, const std::string& action, const std::string& name,
             const std::string& path) {
  auto kind = service::parse_instance_document(name);  // the validator accepted the name
  if (action == "show") {
    std::cout << service::instance_document(app, *kind).html << "\n";
    return 0;
  }
  if (action == "reset") {
    service::set_instance_document(app, *kind, "");
    std::cout << "reset " << name << " to herd's template\n";
    return 0;
  }
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) throw std::runtime_error("cannot read " + path);
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  service::set_instance_document(app, *kind, text);
  std::cout << "set " << name << " (" << text.size() << " bytes)\n";
  return 0;
}

int deploy_search(App& app, int batch_size) {
  auto started = std::chrono::steady_clock::now();
  std::int64_t indexed = service::rebuild_search_index(app, batch_size, [](std::int64_t done) {
    if (done % 100'000 < 1'000) std::cout << "indexed " << done << " statuses\n" << std::flush;
  });
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "search index rebuilt: " << indexed << " statuses in "
            << fmt::format("{:.1f}", seconds) << " s\n";
  return 0;
}

}  // namespace

int admin_main(int argc, char** argv) {
  CLI::App cli(
      "Shell administration of a herd instance (like Mastodon's tootctl)." + std::string(kSettings),
      "herd admin");
  cli.require_subcommand(1);
  std::function<int(App&)> action;  // set by the chosen command; run once the App is open
  bool needs_migrated_database = true;

  auto* seed_cmd = cli.add_subcommand("seed",
                                      "fill the instance with accounts, follows and "
                                      "statuses (benchmarks)");
  auto seed_options = std::make_shared<SeedOptions>();
  seed_cmd->add_option("--accounts", seed_options->accounts, "accounts to create")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  seed_cmd->add_option("--statuses", seed_options->statuses, "statuses to create")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{100'000'000}));
  seed_cmd->add_option("--follows", seed_options->follows, "follows per account")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  seed_cmd
      ->add_option("--first-follows", seed_options->first_follows,
                   "follows of the first account (user1), default --follows")
      ->check(CLI::NonNegativeNumber);
  seed_cmd->add_option("--password", seed_options->password, "every seeded user's password")
      ->capture_default_str();
  seed_cmd->callback(
      [&] { action = [seed_options](App& app) { return run_seed(app, *seed_options); }; });

  auto* rules = cli.add_subcommand("rules", "the instance's rules");
  rules->require_subcommand(1);
  auto rule_text = std::make_shared<std::string>(), rule_hint = std::make_shared<std::string>();
  auto* rules_add = rules->add_subcommand("add", "add a rule");
  rules_add->add_option("TEXT", *rule_text, "the rule")->required();
  rules_add->add_option("--hint", *rule_hint, "a longer explanation");
  rules_add->callback([&] {
    action = [rule_text, rule_hint](App& app) { return add_rule(app, *rule_text, *rule_hint); };
  });
  rules->add_subcommand("list", "list the rules")->callback([&] { action = list_rules; });

  auto* accounts = cli.add_subcommand("accounts", "local accounts");
  accounts->require_subcommand(1);
  auto new_account = std::make_shared<service::NewAccount>();
  new_account->role = "user";
  auto* create = accounts->add_subcommand("create", "create a confirmed local account");
  create->add_option("USERNAME", new_account->username, "its username")->required();
  create->add_option("--email", new_account->email, "its email address")->required();
  create->add_option("--password", new_account->password, "its password (default: generated)");
  create->add_option("--role", new_account->role, "its role")
      ->capture_default_str()
      ->check(CLI::IsMember({"user", "moderator", "admin"}));
  create->callback(
      [&] { action = [new_account](App& app) { return create_account(app, *new_account); }; });

  auto two_factor_user = std::make_shared<std::string>();
  auto* disable_2fa = accounts->add_subcommand(
      "disable-2fa", "turn off an account's two-factor authentication (a lost phone)");
  disable_2fa->add_option("USERNAME", *two_factor_user, "its username")->required();
  disable_2fa->callback([&] {
    action = [two_factor_user](App& app) { return disable_two_factor(app, *two_factor_user); };
  });

  auto modified = std::make_shared<std::string>();
  auto modifications = std::make_shared<std::vector<std::string>>();
  auto* modify = accounts->add_subcommand(
      "modify", "act on an account as the owner (as tootctl accounts modify; one action)");
  modify->add_option("USERNAME", *modified, "username, or username@domain for a remote one")
      ->required();
  for (const char* flag : {"approve", "enable", "disable", "silence", "unsilence", "suspend",
                           "unsuspend", "sensitive", "unsensitive"})
    modify->add_flag_callback(
        std::string("--") + flag, [modifications, flag] { modifications->push_back(flag); },
        std::string(flag) == "sensitive"     ? "mark the account's media sensitive"
        : std::string(flag) == "unsensitive" ? "undo --sensitive"
                                             : std::string(flag) + " the account");
  modify->callback([&] {
    if (modifications->empty())
      throw CLI::ValidationError("an action (--suspend, --enable...)", "is required");
    if (modifications->size() > 1)
      throw CLI::ValidationError("--" + modifications->at(0) + " and --" + modifications->at(1),
                                 "one action at a time");
    action = [modified, modifications](App& app) {
      return modify_account(app, *modified, modifications->front());
    };
  });

  auto reset_user = std::make_shared<std::string>();
  accounts
      ->add_subcommand("reset-password",
                       "give a local account a new random password, printed once (the user is "
                       "told by mail)")
      ->callback([&] {
        action = [reset_user](App& app) { return reset_password_command(app, *reset_user); };
      })
      ->add_option("USERNAME", *reset_user, "the local account")
      ->required();

  auto* mail = cli.add_subcommand("mail", "outgoing mail");
  mail->require_subcommand(1);
  auto mail_address = std::make_shared<std::string>();
  auto* mail_test = mail->add_subcommand(
      "test", "send a test message now and print the SMTP conversation and its outcome");
  mail_test->add_option("ADDRESS", *mail_address, "the recipient")->required();
  mail_test->callback(
      [&] { action = [mail_address](App& app) { return mail_test_command(app, *mail_address); }; });
  mail->add_subcommand("status", "queued messages and the latest undeliverable ones")
      ->callback([&] { action = mail_status_command; });

  auto* reports = cli.add_subcommand("reports", "reports (open ones when no command is given)");
  auto resolved = std::make_shared<bool>(false);
  reports->add_flag("--resolved", *resolved, "list resolved reports instead");
  auto report_id = std::make_shared<Id>(0);
  for (const char* verb : {"resolve", "reopen"}) {
    auto* sub = reports->add_subcommand(verb, std::string(verb) + " a report (as the owner)");
    sub->add_option("ID", *report_id, "the report's id")->required();
    sub->callback([&action, report_id, reopen = std::string(verb) == "reopen"] {
      action = [report_id, reopen](App& app) { return change_report(app, *report_id, reopen); };
    });
  }
  reports->callback([&] {
    if (!action) action = [resolved](App& app) { return list_reports(app, *resolved); };
  });

  auto* aliases_cmd =
      cli.add_subcommand("aliases",
                         "a local account's alsoKnownAs, so that an account elsewhere "
                         "can move here (no URI: print them; '-' alone: clear them)");
  auto alias_user = std::make_shared<std::string>();
  auto alias_uris = std::make_shared<std::vector<std::string>>();
  aliases_cmd->add_option("USERNAME", *alias_user, "the local account")->required();
  aliases_cmd->add_option("URI", *alias_uris, "actor URIs of its other accounts");
  aliases_cmd->callback([&] {
    action = [alias_user, alias_uris](App& app) { return aliases(app, *alias_user, *alias_uris); };
  });

  cli.add_subcommand("deliveries", "the deliveries that could not be made, newest first")
      ->callback([&] { action = list_delivery_failures; });

  auto routes_as_json = std::make_shared<bool>(false);
  auto* routes = cli.add_subcommand("routes", "the HTTP routes herd serve answers");
  routes->add_flag("--json", *routes_as_json, "as a JSON array of {method, path, quick_read}");
  routes->callback(
      [&] { action = [routes_as_json](App& app) { return list_routes(app, *routes_as_json); }; });

  auto* announcements = cli.add_subcommand("announcements", "announcements shown to users");
  announcements->require_subcommand(1);
  auto announcement_text = std::make_shared<std::string>();
  auto starts_at = std::make_shared<std::string>(), ends_at = std::make_shared<std::string>();
  auto all_day = std::make_shared<bool>(false);
  auto* announce = announcements->add_subcommand("add", "publish an announcement");
  announce->add_option("TEXT", *announcement_text, "its text")->required();
  announce->add_option("--starts-at", *starts_at, "start of the event it announces")->check(kTime);
  announce->add_option("--ends-at", *ends_at, "end of that event")->check(kTime);
  announce->add_flag("--all-day", *all_day, "the event lasts whole days");
  announce->callback([&] {
    action = [announcement_text, starts_at, ends_at, all_day](App& app) {
      return add_announcement(app, *announcement_text, *starts_at, *ends_at, *all_day);
    };
  });
  announcements->add_subcommand("list", "list them")->callback([&] {
    action = list_announcements;
  });
  auto announcement_id = std::make_shared<Id>(0);
  auto* unannounce = announcements->add_subcommand("remove", "remove one");
  unannounce->add_option("ID", *announcement_id, "its id")->required();
  unannounce->callback([&] {
    action = [announcement_id](App& app) { return remove_announcement(app, *announcement_id); };
  });

  auto* documents = cli.add_subcommand(
      "documents", "the privacy policy, terms of service and extended description");
  documents->require_subcommand(1);
  auto document_name = std::make_shared<std::string>(),
       document_path = std::make_shared<std::string>();
  const auto kinds = CLI::IsMember({"privacy_policy", "terms_of_service", "extended_description"});
  for (const char* verb : {"show", "set", "reset"}) {
    auto* sub = documents->add_subcommand(verb, std::string(verb) == "show" ? "print it (HTML)"
                                                : std::string(verb) == "set"
                                                    ? "set it from a text file ('-': stdin)"
                                                    : "back to herd's template");
    sub->add_option("DOCUMENT", *document_name, "which document")->required()->check(kinds);
    if (std::string(verb) == "set") sub->add_option("FILE", *document_path, "the text")->required();
    sub->callback([&action, document_name, document_path, verb = std::string(verb)] {
      action = [document_name, document_path, verb](App& app) {
        return document(app, verb, *document_name, *document_path);
      };
    });
  }

  auto* emoji = cli.add_subcommand("emoji", "the instance's custom emoji");
  emoji->require_subcommand(1);
  auto shortcode = std::make_shared<std::string>(), emoji_file = std::make_shared<std::string>(),
       category = std::make_shared<std::string>();
  auto* emoji_add = emoji->add_subcommand("add", "add (or replace) one from an image file");
  emoji_add->add_option("SHORTCODE", *shortcode, "its name, without colons")->required();
  emoji_add->add_option("FILE", *emoji_file, "a PNG, GIF, WebP or JPEG image up to 256 KiB")
      ->required();
  emoji_add->add_option("--category", *category, "its category in the picker");
  emoji_add->callback([&] {
    action = [shortcode, emoji_file, category](App& app) {
      return add_emoji(app, *shortcode, *emoji_file, *category);
    };
  });
  auto import_options = std::make_shared<EmojiImport>();
  auto* emoji_import = emoji->add_subcommand(
      "import", "add every image of a tar archive (.tar, .tar.gz...) named by its file name");
  emoji_import->add_option("ARCHIVE", import_options->archive, "the tar archive")->required();
  emoji_import->add_option("--prefix", import_options->prefix, "put before each shortcode");
  emoji_import->add_option("--suffix", import_options->suffix, "put after each shortcode");
  emoji_import->add_option("--category", import_options->category, "their category in the picker");
  emoji_import->add_flag("--overwrite", import_options->overwrite,
                         "replace emoji whose shortcode exists (kept otherwise)");
  emoji_import->callback(
      [&] { action = [import_options](App& app) { return import_emojis(app, *import_options); }; });
  emoji->add_subcommand("list", "list them")->callback([&] { action = list_emojis; });
  auto* emoji_remove = emoji->add_subcommand("remove", "remove one and its image");
  emoji_remove->add_option("SHORTCODE", *shortcode, "its name")->required();
  emoji_remove->callback(
      [&] { action = [shortcode](App& app) { return remove_emoji(app, *shortcode); }; });

  add_maintenance_commands(cli, action);

  auto* search = cli.add_subcommand("search", "the full-text search index of statuses");
  search->require_subcommand(1);
  auto batch_size = std::make_shared<int>(5000);
  auto* deploy = search->add_subcommand(
      "deploy", "rebuild the index from every stored status (as tootctl search deploy)");
  deploy->add_option("--batch-size", *batch_size, "statuses per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000));
  deploy->callback(
      [&] { action = [batch_size](App& app) { return deploy_search(app, *batch_size); }; });

  auto backup_path = std::make_shared<std::string>();
  auto* backup_cmd = cli.add_subcommand(
      "backup",
      "copy the database (a consistent snapshot, while the instance serves) and the "
      "media into a new folder");
  backup_cmd->add_option("DEST", *backup_path, "the folder to create")->required();
  backup_cmd->callback([&] {
    needs_migrated_database = false;
    action = [backup_path](App& app) { return backup(app, *backup_path); };
  });
  auto restore_path = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* restore_cmd =
      cli.add_subcommand("restore",
                         "replace the instance's database and media with a backup (stop herd serve "
                         "first)");
  restore_cmd->add_option("SOURCE", *restore_path, "a folder written by herd admin backup")
      ->required()
      ->check(CLI::ExistingDirectory);
  restore_cmd->add_flag("--force", *force, "replace a database that already holds an instance");
  restore_cmd->callback([&] {
    needs_migrated_database = false;
    action = [restore_path, force](App& app) { return restore(app, *restore_path, *force); };
  });

  if (argc >= 2 && argv[1][0] != '-') {
    try {
      cli.get_subcommand(argv[1]);
    } catch (const CLI::Error&) {
      std::cerr << "herd admin: unknown command " << argv[1] << " (herd admin --help lists them)\n";
      return 2;
    }
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error) == 0 ? 0 : 2;  // --help: the help; a bad command line: what is wrong
  }
  if (!action) {
    std::cerr << cli.help();
    return 2;
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
    if (needs_migrated_database) {
      app.db = store::open_database(app.config.database_url, 2);
      store::migrate(*app.db);
      store::claim_id_tag(*app.db);
    }
    return action(app);
  } catch (const ApiError& error) {
    std::cerr << "herd admin: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "herd admin: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace herd::admin
