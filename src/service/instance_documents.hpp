// The instance's own documents: privacy policy, terms of service and extended description (the
// long "about" text). An admin sets them with `herd admin documents set KIND FILE` (plain text:
// blank lines separate paragraphs); until then the privacy policy and the terms are herd's
// templates filled with the instance's name, domain and admin email, and the extended
// description is empty. The web pages and the client API show the same HTML.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app.hpp"

namespace herd::service {

enum class InstanceDocument { privacy_policy, terms_of_service, extended_description };

// "privacy_policy" | "terms_of_service" | "extended_description"; nullopt otherwise.
std::optional<InstanceDocument> parse_instance_document(std::string_view name);

struct DocumentContent {
  std::string html;                        // "" for an unset extended description
  std::optional<std::int64_t> updated_at;  // unix ms; nullopt for the built-in template
  std::string text;                        // the admin's plain text; "" for the template
};
DocumentContent instance_document(App& app, InstanceDocument kind);

// Stores the admin's text (empty: back to the template). Returns the new content.
DocumentContent set_instance_document(App& app, InstanceDocument kind, const std::string& text);

}  // namespace herd::service
