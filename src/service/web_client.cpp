#include "service/web_client.hpp"

#include "service/oauth.hpp"
#include "store/accounts.hpp"
#include "store/oauth.hpp"

namespace herd::service {

namespace {
constexpr std::string_view kSetting = "web_client_application";
}

std::string web_client_redirect_uri(const App& app) {
  return app.base_url() + "/web/oauth";
}

store::Application web_client_application(App& app) {
  std::string redirect_uri = web_client_redirect_uri(app);
  auto existing =
      app.db->read_value([&](store::Connection& c) -> std::optional<store::Application> {
        auto client_id = store::get_setting(c, kSetting);
        if (!client_id) return std::nullopt;
        return store::find_application_by_client_id(c, *client_id);
      });
  if (existing && existing->redirect_uris == redirect_uri &&
      existing->scopes == normalize_scopes(kWebClientScopes))
    return *existing;
  NewApplication input;
  input.name = app.config.instance_title.empty() ? "Web" : app.config.instance_title + " (web)";
  if (input.name.size() > 60) input.name = "Web";
  input.redirect_uris = {redirect_uri};
  input.scopes = std::string(kWebClientScopes);
  input.website = app.base_url();
  store::Application created = create_application(app, input);
  app.db->write([&](store::Connection& c) { store::put_setting(c, kSetting, created.client_id); });
  return created;
}

store::Application authenticate_web_client(App& app, std::string_view client_id) {
  auto found = app.db->read_value([&](store::Connection& c) -> std::optional<store::Application> {
    auto web = store::get_setting(c, kSetting);
    if (!web || *web != client_id) return std::nullopt;
    return store::find_application_by_client_id(c, client_id);
  });
  if (!found)
    throw OAuthError(401, "invalid_client",
                     "Client authentication failed due to unknown client, no client "
                     "authentication included, or unsupported authentication method.");
  return *found;
}

bool is_web_client(App& app, const store::Application& application) {
  auto client_id =
      app.db->read_value([&](store::Connection& c) { return store::get_setting(c, kSetting); });
  return client_id && *client_id == application.client_id;
}

}  // namespace herd::service
