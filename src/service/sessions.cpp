#include "service/sessions.hpp"

#include <atomic>

#include "core/crypto.hpp"
#include "core/time.hpp"
#include "store/accounts.hpp"
#include "store/oauth.hpp"

namespace herd::service {

namespace {

store::WebSession new_session(std::optional<Id> user_id) {
  store::WebSession session;
  session.id = next_id();
  session.token = random_token(32);
  session.csrf_token = random_token(32);
  session.user_id = user_id;
  session.created_at = now_unix_ms();
  return session;
}

}  // namespace

std::optional<BrowserSession> load_session(App& app, std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  std::optional<BrowserSession> out;
  app.db->read([&](store::Connection& c) {
    auto session = store::find_session(c, token);
    if (!session || session->created_at < now_unix_ms() - kSessionLifetimeMs) return;
    out = BrowserSession{*session, std::nullopt, std::nullopt};
    if (!session->user_id) return;
    auto user = store::find_user(c, *session->user_id);
    if (!user || user->disabled || !user->approved) return;
    auto account = store::find_account(c, user->account_id);
    if (!account || account->suspended) return;
    out->user = std::move(user);
    out->account = std::move(account);
  });
  return out;
}

store::WebSession start_session(App& app) {
  static std::atomic<unsigned> started{0};
  store::WebSession session = new_session(std::nullopt);
  bool sweep = started.fetch_add(1) % 100 == 0;
  app.db->write([&](store::Connection& c) {
    if (sweep) store::delete_sessions_before(c, session.created_at - kSessionLifetimeMs);
    store::insert_session(c, session);
  });
  return session;
}

store::WebSession sign_in_session(App& app, std::string_view previous_token, Id user_id) {
  store::WebSession session = new_session(user_id);
  app.db->write([&](store::Connection& c) {
    if (!previous_token.empty()) store::delete_session(c, previous_token);
    store::insert_session(c, session);
  });
  return session;
}

void end_session(App& app, std::string_view token) {
  if (token.empty()) return;
  app.db->write([&](store::Connection& c) { store::delete_session(c, token); });
}

}  // namespace herd::service
