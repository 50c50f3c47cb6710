// Instance settings that staff change while herd runs (the client's admin views, through
// api/mastodon/admin_instance.cpp): the registration mode and the rules. The registration mode an
// admin chose is kept in the database (setting "registrations_mode") and wins over
// HERD_REGISTRATIONS, which is only the default; every process reads it per request.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "app.hpp"
#include "store/models.hpp"

namespace herd::service {

// The mode in force: the admin's choice, else the configuration's.
Registrations registrations_mode(App& app);
// "open" | "approval" | "closed"; 422 "Validation failed: ..." for anything else.
Registrations parse_registrations_mode(std::string_view name);
std::string_view registrations_mode_name(Registrations mode);
void set_registrations_mode(App& app, Registrations mode);

// 422 for blank text; texts longer than 300 characters and hints longer than 1000 too.
store::Rule add_rule(App& app, const std::string& text, const std::string& hint);
// 404 for an unknown rule, 422 as add_rule().
store::Rule update_rule(App& app, Id id, const std::string& text, const std::string& hint);
// 404 for an unknown rule.
void delete_rule(App& app, Id id);

}  // namespace herd::service
