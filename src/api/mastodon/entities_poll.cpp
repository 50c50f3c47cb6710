// The Poll entity.
#include "api/mastodon/entities.hpp"
#include "core/time.hpp"

namespace herd::api {

json::object poll_json(const store::Poll& poll, Id viewer, const std::vector<int>& own_votes) {
  bool expired = poll.expired(now_unix_ms());
  bool show_totals = expired || !poll.hide_totals;
  json::array options;
  for (const auto& option : poll.options)
    options.push_back(
        json::object{{"title", option.title},
                     {"votes_count", show_totals ? json::value(option.votes_count) : nullptr}});
  json::object o;
  o["id"] = std::to_string(poll.id);
  o["expires_at"] = poll.expires_at ? json::value(rfc3339(*poll.expires_at)) : json::value(nullptr);
  o["expired"] = expired;
  o["multiple"] = poll.multiple;
  o["votes_count"] = poll.votes_count;
  o["voters_count"] = poll.voters_count ? json::value(*poll.voters_count) : json::value(nullptr);
  o["options"] = std::move(options);
  o["emojis"] = json::array();
  if (viewer != 0) {
    o["voted"] = viewer == poll.account_id || !own_votes.empty();
    json::array votes;
    for (int choice : own_votes) votes.push_back(choice);
    o["own_votes"] = std::move(votes);
  }
  return o;
}

}  // namespace herd::api
