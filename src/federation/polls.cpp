#include "federation/polls.hpp"

#include <algorithm>
#include <cctype>

#include "core/time.hpp"
#include "federation/documents.hpp"
#include "federation/outbox.hpp"
#include "federation/resolver.hpp"
#include "federation/serialize.hpp"
#include "service/polls.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::federation {

void on_poll_voted(App& app, store::Connection& c, Id account_id, const store::Status& status,
                   const store::Poll& poll, const std::vector<store::PollVote>& votes) {
  if (status.local || votes.empty()) return;
  auto voter = store::find_account(c, account_id);
  if (!voter || !voter->local()) return;
  auto author = store::find_account(c, status.account_id);
  if (!author || author->local() || author->inbox_url.empty()) return;
  std::string question = poll.uri.value_or(status.uri);
  for (const auto& vote : votes) {
    if (vote.choice < 0 || vote.choice >= static_cast<int>(poll.options.size())) continue;
    enqueue_delivery(
        app, c, account_id,
        vote_activity(*voter, vote.id, poll.options[vote.choice].title, question, author->uri),
        {author->inbox_url});
  }
}

void on_poll_changed(App& app, store::Connection& c, const store::Status& status) {
  if (!status.local || status.reblog_of_id) return;
  auto author = store::find_account(c, status.account_id);
  if (!author || !author->local()) return;
  auto poll = store::find_poll_by_status(c, status.id);
  if (!poll) return;
  std::vector<std::string> inboxes = status_inboxes(c, status, Reach::poll);
  if (inboxes.empty()) return;
  auto question = status_object(app, c, status);
  if (!question) return;
  enqueue_delivery(app, c, status.account_id, update_question_activity(*question, now_unix_ms()),
                   inboxes);
}

void refresh_stale_poll(App& app, const store::Status& status, const store::Poll& poll) {
  constexpr std::int64_t kMinuteMs = 60'000;
  std::int64_t now = now_unix_ms();
  if (status.local) return;
  bool fetched_before_end =
      !poll.last_fetched_at || !poll.expires_at || *poll.last_fetched_at < *poll.expires_at;
  if (!fetched_before_end) return;  // its final counts are known
  bool ended = poll.expired(now);
  bool recent = poll.last_fetched_at && *poll.last_fetched_at > now - kMinuteMs;
  if (!ended && recent) return;
  std::string uri = poll.uri.value_or(status.uri);
  if (uri.empty() || is_local_uri(app, uri)) return;
  app.db->write([&](store::Connection& c) { store::set_poll_fetched(c, poll.id, now); });
  FetchBudget budget(app, 5'000);
  auto document = fetch_document(app, uri);
  if (!document) return;
  auto post = as::parse_post(*document);
  if (!post || post->id != uri) return;
  auto fresh = poll_of(*post);
  if (fresh) service::refresh_poll(app, status, *fresh);
}

std::optional<store::Poll> poll_of(const as::Post& post) {
  if (!post.poll || post.poll->options.empty()) return std::nullopt;
  store::Poll poll;
  for (const auto& option : post.poll->options)
    poll.options.push_back(store::PollOption{text::strip_html(option.title), option.votes});
  poll.multiple = post.poll->multiple;
  poll.expires_at = post.poll->expires_at;
  if (post.poll->closed && (!poll.expires_at || *poll.expires_at > now_unix_ms()))
    poll.expires_at = now_unix_ms();
  poll.voters_count = post.poll->voters_count;
  poll.uri = post.id;
  return poll;
}

std::optional<IngestResult> receive_poll_vote(App& app, const as::Post& post,
                                              const store::Account& actor) {
  if (post.type != "Note" || post.name.empty() || post.in_reply_to.empty()) return std::nullopt;
  std::string text = text::strip_html(post.content);
  if (!std::all_of(text.begin(), text.end(),
                   [](unsigned char ch) { return std::isspace(ch) != 0; }))
    return std::nullopt;
  if (!is_local_uri(app, post.in_reply_to)) return std::nullopt;
  auto found = app.db->read_value([&](store::Connection& c) {
    std::optional<std::pair<store::Status, store::Poll>> out;
    auto id = store::find_status_id_by_uri(c, post.in_reply_to);
    if (!id) return out;
    auto status = store::find_status(c, *id);
    if (!status || !status->local) return out;
    auto poll = store::find_poll_by_status(c, status->id);
    if (poll) out.emplace(*status, *poll);
    return out;
  });
  if (!found) return std::nullopt;
  const auto& options = found->second.options;
  if (std::none_of(options.begin(), options.end(),
                   [&](const store::PollOption& o) { return o.title == post.name; }))
    return std::nullopt;  // not an option: an ordinary reply
  if (!service::receive_vote(app, actor.id, found->first, post.name, post.id))
    return IngestResult{Outcome::ignored, "vote not counted (ended, already voted or own poll)"};
  return IngestResult{Outcome::accepted, ""};
}

}  // namespace herd::federation
