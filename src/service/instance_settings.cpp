#include "service/instance_settings.hpp"

#include "core/error.hpp"
#include "core/ids.hpp"
#include "service/statuses.hpp"
#include "store/accounts.hpp"
#include "store/rules.hpp"

namespace herd::service {

namespace {

constexpr std::string_view kRegistrationsSetting = "registrations_mode";

void validate_rule(const std::string& text, const std::string& hint) {
  if (blank(text)) fail(ErrorKind::validation, "Validation failed: Text can't be blank");
  if (text.size() > 300)
    fail(ErrorKind::validation, "Validation failed: Text is too long (maximum is 300 characters)");
  if (hint.size() > 1000)
    fail(ErrorKind::validation, "Validation failed: Hint is too long (maximum is 1000 characters)");
}

std::optional<Registrations> mode_of(std::string_view name) {
  if (name == "open") return Registrations::open;
  if (name == "approval") return Registrations::approval;
  if (name == "closed") return Registrations::closed;
  return std::nullopt;
}

}  // namespace

Registrations registrations_mode(App& app) {
  auto stored = app.db->read_value(
      [](store::Connection& c) { return store::get_setting(c, kRegistrationsSetting); });
  if (stored)
    if (auto mode = mode_of(*stored)) return *mode;
  return app.config.registrations;
}

Registrations parse_registrations_mode(std::string_view name) {
  auto mode = mode_of(name);
  if (!mode)
    fail(ErrorKind::validation,
         "Validation failed: Registrations mode must be open, approval or closed");
  return *mode;
}

std::string_view registrations_mode_name(Registrations mode) {
  switch (mode) {
    case Registrations::open:
      return "open";
    case Registrations::approval:
      return "approval";
    case Registrations::closed:
      return "closed";
  }
  return "open";
}

namespace {

std::string_view audience_setting(bool rationale) {
  return rationale ? "show_domain_blocks_rationale" : "show_domain_blocks";
}

std::optional<Audience> parse_audience(std::string_view value) {
  if (value == "disabled") return Audience::disabled;
  if (value == "users") return Audience::users;
  if (value == "all") return Audience::all;
  return std::nullopt;
}

}  // namespace

Audience domain_blocks_audience(App& app, bool rationale) {
  auto value = app.db->read_value(
      [&](store::Connection& c) { return store::get_setting(c, audience_setting(rationale)); });
  return value ? parse_audience(*value).value_or(Audience::disabled) : Audience::disabled;
}

void set_domain_blocks_audience(App& app, bool rationale, std::string_view value) {
  auto audience = parse_audience(value);
  if (!audience)
    fail(ErrorKind::validation, "Validation failed: " + std::string(audience_setting(rationale)) +
                                    " must be disabled, users or all");
  app.db->write([&](store::Connection& c) {
    store::put_setting(c, audience_setting(rationale), audience_name(*audience));
  });
}

std::string_view audience_name(Audience audience) {
  switch (audience) {
    case Audience::users:
      return "users";
    case Audience::all:
      return "all";
    case Audience::disabled:
      break;
  }
  return "disabled";
}

void set_registrations_mode(App& app, Registrations mode) {
  app.db->write([&](store::Connection& c) {
    store::put_setting(c, kRegistrationsSetting, registrations_mode_name(mode));
  });
}

store::Rule add_rule(App& app, const std::string& text, const std::string& hint) {
  validate_rule(text, hint);
  store::Rule rule;
  rule.id = next_id();
  rule.text = text;
  rule.hint = hint;
  app.db->write([&](store::Connection& c) {
    rule.position = static_cast<int>(store::list_rules(c).size());
    store::insert_rule(c, rule);
  });
  return rule;
}

store::Rule update_rule(App& app, Id id, const std::string& text, const std::string& hint) {
  validate_rule(text, hint);
  return app.db->write_value([&](store::Connection& c) {
    auto rule = store::find_rule(c, id);
    if (!rule) not_found();
    rule->text = text;
    rule->hint = hint;
    store::update_rule(c, *rule);
    return *rule;
  });
}

void delete_rule(App& app, Id id) {
  bool deleted =
      app.db->write_value([&](store::Connection& c) { return store::delete_rule(c, id); });
  if (!deleted) not_found();
}

}  // namespace herd::service
