// OAuth applications, authorization grants, access tokens and browser sessions.
#pragma once
#include <optional>
#include <string_view>

#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::store {

void insert_application(Connection& c, const Application& app);
std::optional<Application> find_application(Connection& c, Id id);
std::optional<Application> find_application_by_client_id(Connection& c, std::string_view client_id);

void insert_grant(Connection& c, const AccessGrant& grant);
std::optional<AccessGrant> find_grant(Connection& c, std::string_view code);
// Marks the grant used; false if it was already used (codes are single-use).
bool use_grant(Connection& c, Id grant_id);

void insert_token(Connection& c, const AccessToken& token);
// Only tokens not revoked.
std::optional<AccessToken> find_token(Connection& c, std::string_view token);
// Revokes the token if it belongs to the application; returns whether one was revoked.
bool revoke_token(Connection& c, std::string_view token, Id application_id, std::int64_t now);

void insert_session(Connection& c, const WebSession& session);
std::optional<WebSession> find_session(Connection& c, std::string_view token);
void set_session_user(Connection& c, Id session_id, std::optional<Id> user_id);
void delete_session(Connection& c, std::string_view token);
// Deletes sessions created before `created_before` (unix ms); returns how many.
std::int64_t delete_sessions_before(Connection& c, std::int64_t created_before);

}  // namespace herd::store
