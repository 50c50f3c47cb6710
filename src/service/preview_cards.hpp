// Link preview cards (Mastodon's FetchLinkCardService): the first plain link of a status without
// media or poll is fetched in the background (the SSRF-guarded client, HTML only, 1 MiB), its
// OpenGraph/Twitter/<title> metadata becomes a PreviewCard shared by every status linking to the
// same URL, and the Status entity shows it as `card`.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace herd::service {

inline constexpr std::string_view kPreviewCardQueue = "preview_cards";

// Inside the transaction that stored a status: queues the fetch of its first link (nothing for a
// reblog, a status with media or a poll, or no link).
void queue_preview_card(App& app, store::Connection& c, const store::Status& status,
                        const std::vector<std::string>& links);
// Fetches due cards (run by the job runner); returns how many jobs were handled. A page that cannot be
// fetched is retried a few times, then given up; a page without a title gives no card.
int fetch_due_preview_cards(App& app, std::int64_t now);

}  // namespace herd::service
