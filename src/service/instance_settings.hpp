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

// Who sees the instance's domain blocks at GET /api/v1/instance/domain_blocks, and who sees their
// public comments: Mastodon's site settings show_domain_blocks and show_domain_blocks_rationale,
// "disabled" (the default: nobody), "users" (signed in) or "all".
enum class Audience { disabled, users, all };
Audience domain_blocks_audience(App& app, bool rationale);
// 422 "Validation failed: ..." for anything but disabled, users or all.
void set_domain_blocks_audience(App& app, bool rationale, std::string_view value);
std::string_view audience_name(Audience audience);

// 422 for blank text; texts longer than 300 characters and hints longer than 1000 too.
store::Rule add_rule(App& app, const std::string& text, const std::string& hint);
// 404 for an unknown rule, 422 as add_rule().
store::Rule update_rule(App& app, Id id, const std::string& text, const std::string& hint);
// 404 for an unknown rule.
void delete_rule(App& app, Id id);

}  // namespace herd::service
